package main

import (
	"flag"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/tiles"
)

// basemapFlags are serve's raster basemaps: imagery to draw grids on. None by default, and
// no key is ever part of the code: the URL with its key comes from the flag or the
// environment of the deployment.
type basemapFlags struct {
	urls        []string
	attribution *string
}

func (b *basemapFlags) register(fs *flag.FlagSet) {
	if env := envOr("GRIDMAP_BASEMAP", ""); env != "" {
		b.urls = strings.Fields(env)
	}
	fs.Func("basemap", "raster tile URL template drawn under the map, e.g. 天地图 imagery "+
		"'https://t0.tianditu.gov.cn/img_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=img&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY'; "+
		"repeat for annotation layers (env GRIDMAP_BASEMAP, space-separated)", func(s string) error {
		b.urls = append(b.urls, s)
		return nil
	})
	b.attribution = fs.String("basemap-attribution", envOr("GRIDMAP_BASEMAP_ATTRIBUTION", ""), "credit shown for the basemap, e.g. 天地图 (env GRIDMAP_BASEMAP_ATTRIBUTION)")
}

func (b *basemapFlags) parse() ([]tiles.Basemap, error) {
	var out []tiles.Basemap
	for _, u := range b.urls {
		bm, err := tiles.ParseBasemap(u, *b.attribution)
		if err != nil {
			return nil, geo.FieldError("-basemap", "%v", err)
		}
		out = append(out, bm)
	}
	return out, nil
}
