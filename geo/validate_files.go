package geo

import "fmt"

// The Validate functions check a whole file's items: each item on its own (the Check
// functions) and what only the file as a whole shows, such as a code given twice. index[i]
// is the 1-based feature number or CSV line of items[i] (i+1 when index is nil) and item
// names what it counts ("feature" or "line"), for messages that point at an earlier row.

// ValidateUnits returns the problems of a file of units, Index set.
func ValidateUnits(us []Unit, index []int, item string) []Problem {
	return validateAll(us, index, item, CheckUnit, "code", func(u Unit) string { return u.Code })
}

// ValidateFeatures returns the problems of a file of reference features, Index set.
func ValidateFeatures(fs []Feature, index []int, item string) []Problem {
	return validateAll(fs, index, item, CheckFeature, "id", func(f Feature) string { return f.ID })
}

// ValidateTenHH returns the problems of a file of ten-household units, Index set.
func ValidateTenHH(ts []TenHH, index []int, item string) []Problem {
	return validateAll(ts, index, item, CheckTenHH, "code", func(t TenHH) string { return t.Code })
}

// ValidateHouseholds returns the problems of a file of households, Index set.
func ValidateHouseholds(hs []Household, index []int, item string) []Problem {
	return validateAll(hs, index, item, CheckHousehold, "id", func(h Household) string { return h.ID })
}

// ValidateResponsibilities returns the problems of people.csv, Index set. A person with
// several roles has several rows, which must agree on name and phone; the same role for
// the same unit twice is refused.
func ValidateResponsibilities(rs []Responsibility, index []int, item string) []Problem {
	ps := validateAll(rs, index, item, CheckResponsibility, "", nil)
	firstOf := map[string]int{} // person id → position in rs of its first row
	seen := map[[3]string]int{} // id, role, unit → position in rs
	for i, r := range rs {
		at := position(index, i)
		if j, ok := firstOf[r.PersonID]; ok {
			f := rs[j]
			if f.Name != r.Name {
				ps = append(ps, Problem{Index: at, Key: r.PersonID, Field: "name",
					Message: fmt.Sprintf("%q differs from %q given for the same id at %s %d", r.Name, f.Name, item, position(index, j))})
			}
			if f.Phone != r.Phone {
				ps = append(ps, Problem{Index: at, Key: r.PersonID, Field: "phone",
					Message: fmt.Sprintf("%q differs from %q given for the same id at %s %d", r.Phone, f.Phone, item, position(index, j))})
			}
		} else if r.PersonID != "" {
			firstOf[r.PersonID] = i
		}
		k := [3]string{r.PersonID, string(r.Role), r.UnitCode}
		if j, ok := seen[k]; ok {
			ps = append(ps, Problem{Index: at, Key: r.PersonID,
				Message: fmt.Sprintf("repeats %s %d (same id, role and unit_code)", item, position(index, j))})
		} else {
			seen[k] = i
		}
	}
	return ps
}

func position(index []int, i int) int {
	if index == nil {
		return i + 1
	}
	return index[i]
}

// validateAll runs check on every item and, when key is given, reports keys given twice.
func validateAll[T any](items []T, index []int, item string, check func(T) []Problem, keyField string, key func(T) string) []Problem {
	var ps []Problem
	first := map[string]int{}
	for i, it := range items {
		at := position(index, i)
		for _, p := range check(it) {
			p.Index = at
			ps = append(ps, p)
		}
		if key == nil {
			continue
		}
		k := key(it)
		if k == "" {
			continue
		}
		if j, ok := first[k]; ok {
			ps = append(ps, Problem{Index: at, Key: k, Field: keyField,
				Message: fmt.Sprintf("%q is given twice: also at %s %d", k, item, position(index, j))})
		} else {
			first[k] = i
		}
	}
	return ps
}
