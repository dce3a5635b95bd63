package api

import (
	"reflect"
	"strings"

	"stepwise/models"
)

// nulDetail is the field error of a string holding the NUL character.
const nulDetail = "must not contain the NUL character (\\u0000)"

// nulFields names every string in a decoded body (dst, a pointer to a
// struct) that holds a NUL, by its JSON name: no field needs one, and
// PostgreSQL cannot store it in text, so it is refused as a field error
// whatever the database.
func nulFields(dst any) models.FieldErrors {
	fe := models.FieldErrors{}
	walkNUL(reflect.ValueOf(dst), "", fe)
	if len(fe) == 0 {
		return nil
	}
	return fe
}

func walkNUL(v reflect.Value, name string, fe models.FieldErrors) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkNUL(v.Elem(), name, fe)
		}
	case reflect.String:
		if strings.IndexByte(v.String(), 0) >= 0 {
			fe[name] = nulDetail
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkNUL(v.Index(i), name, fe)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if k := it.Key(); k.Kind() == reflect.String && strings.IndexByte(k.String(), 0) >= 0 {
				fe[name] = nulDetail
			}
			walkNUL(it.Value(), name, fe)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			jsonName, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case jsonName == "-":
				continue
			case jsonName == "" && f.Anonymous:
				jsonName = name // embedded: its fields are the parent's
			case jsonName == "":
				jsonName = f.Name
			case name != "":
				jsonName = name + "." + jsonName
			}
			walkNUL(v.Field(i), jsonName, fe)
		}
	}
}
