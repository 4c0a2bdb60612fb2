// The page's words in Chinese (the default) and English. The language is chosen by ?lang=en
// or the button, and kept in localStorage. Elements with data-i18n take the text of their
// key, data-i18n-placeholder their placeholder.
const words = {
  zh: {
    title: 'gridmap 网格地图', layers: '图层', legend: '图例', statistics: '统计',
    searchHint: '搜索代码、名称或拼音首字母', clickHint: '点击地图查询责任链',
    choropleth: '网格户密度（户/km²）', choroplethZoom: '放大到 12 级以上显示网格',
    csv: '下载下级统计 CSV', noResults: '没有找到', outside: '此处不在数据范围内',
    households: '户数', members: '人口', tenhh: '十联户', people: '责任人', area: '面积 km²', grids: '网格数',
    tenhhUnits: '十联户', selected: '选中的单元', notice: '打印网格公示牌', labels: '名称标注',
    county: '县/区', town: '镇/街道', village: '村/社区', group: '组', grid: '网格',
    valley: '沟域', road: '道路', relocation_site: '搬迁安置点', courtyard: '自然院落', compound: '小区', enterprise: '企事业单位',
    county_secretary: '政法委书记', town_director: '综治中心主任', village_secretary: '村党支部书记',
    group_head: '组长', grid_head: '网格长', grid_worker: '网格员', unit_head: '联户长',
    noticeTitle: '网格公示牌', print: '打印', printed: '打印日期', code: '代码', name: '名称',
    responsible: '网格责任人', phone: '电话', basemap: '底图透明度', editor: '规划编辑', coverage: '覆盖检查', findings: '处问题', findingsNone: '无缺口、无重叠', missingCode: '缺少网格代码：notice.html?code=网格代码',
  },
  en: {
    title: 'gridmap', layers: 'Layers', legend: 'Legend', statistics: 'Statistics',
    searchHint: 'Search by code, name or pinyin initials', clickHint: 'Click the map for the responsibility chain',
    choropleth: 'Households per km² by grid', choroplethZoom: 'zoom in past 12 to see grids',
    csv: 'Download the children as CSV', noResults: 'Nothing found', outside: 'This place lies outside the data',
    households: 'Households', members: 'Members', tenhh: 'Ten-household units', people: 'People', area: 'Area km²', grids: 'Grids',
    tenhhUnits: 'Ten-household units', selected: 'Selected unit', notice: 'Print the notice board', labels: 'Labels',
    county: 'County', town: 'Town', village: 'Village', group: 'Group', grid: 'Grid',
    valley: 'Valley', road: 'Road', relocation_site: 'Relocation site', courtyard: 'Courtyard', compound: 'Compound', enterprise: 'Enterprise',
    county_secretary: 'Political-legal secretary', town_director: 'Centre director', village_secretary: 'Party secretary',
    group_head: 'Group head', grid_head: 'Grid head', grid_worker: 'Grid worker', unit_head: 'Unit head',
    noticeTitle: 'Grid notice board', print: 'Print', printed: 'Printed', code: 'Code', name: 'Name', basemap: 'Basemap opacity', editor: 'Editor', coverage: 'Coverage findings', findings: 'findings', findingsNone: 'no gaps, no overlaps',
    responsible: 'Responsible for the grid', phone: 'Phone', missingCode: 'No grid code: notice.html?code=GRID',
  },
};

const i18n = (() => {
  const asked = new URLSearchParams(location.search).get('lang');
  let lang = asked === 'en' || asked === 'zh' ? asked : (localStorage.getItem('gridmap-lang') || 'zh');
  if (!words[lang]) lang = 'zh';
  const t = (key) => words[lang][key] ?? words.zh[key] ?? key;
  const apply = () => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  };
  const set = (l) => {
    lang = l;
    localStorage.setItem('gridmap-lang', l);
    apply();
  };
  return { t, apply, set, get lang() { return lang; } };
})();
