package handlers

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// SessionCodec encodes session data compactly for scs (tests read and
// write session rows with it too). scs's default gob
// codec builds a new decoder for every request, which measured at about a
// tenth of a signed-in page's CPU; our sessions hold only a few strings
// and integers, so a small tagged format does.
type SessionCodec struct{}

// Value tags.
const (
	tagString byte = 's'
	tagInt64  byte = 'i'
	tagBool   byte = 'b'
	tagBytes  byte = 'y'
	tagFloat  byte = 'f'
	tagTime   byte = 't'
)

// codecVersion leads every encoding so the format can change later.
const codecVersion byte = 1

var errSessionData = errors.New("session data is malformed")

// Encode writes the deadline and each value with its type.
func (SessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	b := make([]byte, 0, 64)
	b = append(b, codecVersion)
	b = binary.AppendVarint(b, deadline.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(values)))
	for k, v := range values {
		b = appendString(b, k)
		switch x := v.(type) {
		case string:
			b = appendString(append(b, tagString), x)
		case int64:
			b = binary.AppendVarint(append(b, tagInt64), x)
		case int:
			b = binary.AppendVarint(append(b, tagInt64), int64(x))
		case bool:
			var n byte
			if x {
				n = 1
			}
			b = append(b, tagBool, n)
		case []byte:
			b = appendString(append(b, tagBytes), string(x))
		case float64:
			b = binary.BigEndian.AppendUint64(append(b, tagFloat), math.Float64bits(x))
		case time.Time:
			b = binary.AppendVarint(append(b, tagTime), x.UnixNano())
		default:
			return nil, fmt.Errorf("session value %q: unsupported type %T", k, v)
		}
	}
	return b, nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// Decode reads what Encode wrote; anything else is errSessionData.
func (SessionCodec) Decode(data []byte) (time.Time, map[string]any, error) {
	r := codecReader{b: data}
	if r.byte() != codecVersion {
		return time.Time{}, nil, errSessionData
	}
	deadline := time.Unix(0, r.varint())
	n := r.uvarint()
	if n > uint64(len(data)) { // each entry takes at least one byte
		return time.Time{}, nil, errSessionData
	}
	values := make(map[string]any, n)
	for i := uint64(0); i < n && r.err == nil; i++ {
		k := r.string()
		switch r.byte() {
		case tagString:
			values[k] = r.string()
		case tagInt64:
			values[k] = r.varint()
		case tagBool:
			values[k] = r.byte() == 1
		case tagBytes:
			values[k] = []byte(r.string())
		case tagFloat:
			values[k] = math.Float64frombits(r.uint64())
		case tagTime:
			values[k] = time.Unix(0, r.varint())
		default:
			r.err = errSessionData
		}
	}
	if r.err != nil || len(r.b) != 0 {
		return time.Time{}, nil, errSessionData
	}
	return deadline, values, nil
}

// codecReader consumes data, remembering the first error.
type codecReader struct {
	b   []byte
	err error
}

func (r *codecReader) fail() { r.err, r.b = errSessionData, nil }

func (r *codecReader) byte() byte {
	if len(r.b) < 1 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *codecReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *codecReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *codecReader) uint64() uint64 {
	if len(r.b) < 8 {
		r.fail()
		return 0
	}
	v := binary.BigEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *codecReader) string() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}
