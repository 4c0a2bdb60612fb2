package ogr

import "fmt"

// projectedHint explains, for a layer with no CRS whose extent is no longitude/latitude, which
// CGCS2000 Gauss–Krüger zone its metres most likely belong to. Surveying departments write
// either the zone number before the easting (3-degree zones 25–45 are EPSG:4513–4533; 6-degree
// zones 13–23 are EPSG:4491–4501) or a plain 500,000 m false easting, which does not tell the
// zone (3-degree: EPSG:4534–4554 for CM 75°E–135°E; 6-degree: EPSG:4502–4512); nearLon, the
// longitude of the data already stored (0: none), then picks the 3-degree zone around it.
func projectedHint(e [4]float64, nearLon float64) string {
	x, y := e[0], e[1]
	where := fmt.Sprintf("x %.0f, y %.0f", x, y)
	zone := int(x / 1e6)
	switch {
	case zone >= 25 && zone <= 45:
		return fmt.Sprintf("the coordinates (%s) are projected metres with a zone prefix: most likely CGCS2000 3-degree Gauss-Kruger zone %d (CM %d°E), EPSG:%d; give -s_srs EPSG:%d",
			where, zone, 3*zone, 4513+zone-25, 4513+zone-25)
	case zone >= 13 && zone <= 23:
		return fmt.Sprintf("the coordinates (%s) are projected metres with a zone prefix: most likely CGCS2000 6-degree Gauss-Kruger zone %d (CM %d°E), EPSG:%d; give -s_srs EPSG:%d",
			where, zone, 6*zone-3, 4491+zone-13, 4491+zone-13)
	case x > 0 && x < 1e6 && nearLon >= 73.5 && nearLon <= 136.5:
		cm := 3 * int(nearLon/3+0.5)
		return fmt.Sprintf("the coordinates (%s) are projected metres without a zone prefix: most likely CGCS2000 3-degree Gauss-Kruger CM %d°E (the zone of the data stored here), EPSG:%d; give -s_srs EPSG:%d",
			where, cm, 4534+(cm-75)/3, 4534+(cm-75)/3)
	case x > 0 && x < 1e6:
		return fmt.Sprintf("the coordinates (%s) are projected metres without a zone prefix: most likely CGCS2000 Gauss-Kruger, whose zone the numbers do not tell; give -s_srs with the zone's code: 3-degree EPSG:4534 (CM 75°E) to EPSG:4554 (CM 135°E), e.g. EPSG:4544 for CM 105°E",
			where)
	}
	return fmt.Sprintf("the coordinates (%s) are not longitude/latitude; give the file's CRS with -s_srs", where)
}

// lonLat reports whether an extent fits longitude/latitude degrees.
func lonLat(e [4]float64) bool {
	return e[0] >= -180 && e[2] <= 180 && e[1] >= -90 && e[3] <= 90
}
