package gen

import (
	"fmt"
	"strings"
)

// Made-up names. Surnames and given-name characters are common ones, combined at random,
// so a name may match a real person's only by chance; phone numbers are 1990xxxxxxx, a
// range not handed out to subscribers, to make their fakeness plain.

var (
	surnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文安禄")
	given    = []rune("明华强军平丽芳敏静伟勇艳杰娟涛磊超霞刚秀英兰梅林波辉红玉萍健斌宇浩凯婷雪琴云飞鹏旭燕春桂福贵荣昌顺发德文武成志国永兴建正学忠良安海江山川金银仁义礼智信德才光明珍")
	// Characters for made-up place names (valleys, relocation sites).
	placeA = []rune("大小黑白红青石岩马牛羊龙凤桃李杨柳松竹花水老新上下中")
	placeB = []rune("河坝坡岭冲湾寨坪塘田桥口头脚背箐坎垭林洞")
	// Endings of courtyard names: 张家院子, 李家寨, ...
	courtyardEnds = []string{"院子", "寨", "湾", "坡", "坪", "冲", "坝", "岩脚", "老屋", "大院"}
	// Dedicated grids carved out in urban towns, with what they are for.
	dedicatedKinds = []struct{ name, kind string }{
		{"第一中学", "学校"}, {"人民医院", "医院"}, {"中心小学", "学校"}, {"中医院", "医院"},
		{"职业技术学校", "学校"}, {"工业园区", "园区"}, {"妇幼保健院", "医院"}, {"实验中学", "学校"},
		{"第二小学", "学校"}, {"物流园区", "园区"},
	}
)

// personName returns a made-up Chinese name of two or three characters.
func personName(r *rng) string {
	var b strings.Builder
	b.WriteRune(pick(r, surnames))
	b.WriteRune(pick(r, given))
	if r.intn(4) != 0 {
		b.WriteRune(pick(r, given))
	}
	return b.String()
}

// phone returns the n-th made-up phone number; each person gets a different one.
func phone(n int) string { return fmt.Sprintf("1990%07d", n%10000000) }

// placeName returns a made-up two-character place name.
func placeName(r *rng) string { return string(pick(r, placeA)) + string(pick(r, placeB)) }

// courtyardName returns a name such as 张家院子.
func courtyardName(r *rng) string {
	return string(pick(r, surnames)) + "家" + pick(r, courtyardEnds)
}

// shortTown drops the 镇 / 乡 / 街道 ending and the ethnic part of a town's name:
// 发耳镇 → 发耳, 龙场苗族白族彝族乡 → 龙场, 尖山街道 → 尖山.
func shortTown(name string) string {
	s := name
	for _, end := range []string{"街道办事处", "街道", "镇", "乡"} {
		if strings.HasSuffix(s, end) && len([]rune(s)) > len([]rune(end))+1 {
			s = strings.TrimSuffix(s, end)
			break
		}
	}
	r := []rune(s)
	for k, c := range r {
		if c != '族' || k < 2 {
			continue
		}
		n := 1 // the ethnic name before 族 has one character, or two for these
		for _, two := range []string{"布依", "土家", "仡佬", "蒙古", "毛南", "哈尼", "傈僳", "纳西"} {
			if k >= 3 && string(r[k-2:k]) == two {
				n = 2
			}
		}
		if k-n >= 1 {
			s = string(r[:k-n])
		}
		break
	}
	return s
}

// shortVillage turns the statistical name of a villagers' or residents' committee into the
// name people use: 茨冲村村民委员会 → 茨冲村, 尖山社区居民委员会 → 尖山社区, 新庙村委会 → 新庙村.
func shortVillage(name string) string {
	for _, c := range []struct{ end, with string }{
		{"村村民委员会", "村"}, {"社区居民委员会", "社区"}, {"村民委员会", "村"},
		{"居民委员会", "社区"}, {"村委会", "村"}, {"社区居委会", "社区"}, {"居委会", "社区"},
	} {
		if strings.HasSuffix(name, c.end) && name != c.end {
			return strings.TrimSuffix(name, c.end) + c.with
		}
	}
	return name
}

// isUrban reports whether a town is a 街道 (subdistrict): codes 001-099 under a county.
func isUrban(code, name string) bool {
	return strings.HasSuffix(name, "街道") || strings.HasSuffix(name, "街道办事处") || (len(code) == 9 && code[6] == '0')
}
