package fits

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// BlockSize is the FITS logical record length in bytes; headers and data
// are padded to a multiple of it.
const BlockSize = 2880

// CardSize is the length of one header card (keyword record) in bytes.
const CardSize = 80

// Card is one header keyword record: a keyword, its value and its comment.
// A long string continued over CONTINUE cards is one Card whose Value is the
// joined string.
type Card struct {
	// Key is the keyword in upper case; for HIERARCH cards the words after
	// HIERARCH ("ESO DET CHIP"); "" for a blank card.
	Key string
	// Value is nil (commentary card or undefined value), bool, int64,
	// float64, complex128 or string.
	Value any
	// Comment is the comment after the '/', or the text of a COMMENT,
	// HISTORY or blank card.
	Comment string

	raw      []string // the 80-byte card images it was read from; nil once changed
	hasValue bool     // the card had a value indicator ("= ")
	bad      string   // why the value could not be parsed, if it could not
}

// Commentary reports whether c is a COMMENT, HISTORY or blank card (or any
// other card without a value indicator).
func (c Card) Commentary() bool { return !c.hasValue }

// Raw returns the 80-byte card images c was read from (several for a long
// string), or the images it would be written as.
func (c Card) Raw() []string {
	if c.raw != nil {
		return c.raw
	}
	imgs, err := c.format()
	if err != nil {
		return nil
	}
	return imgs
}

// String returns the card assembled as `KEY = value / comment`, long strings
// joined; commentary cards as `KEY text`.
func (c Card) String() string {
	if !c.hasValue {
		if c.Key == "" {
			return c.Comment
		}
		return c.Key + " " + c.Comment
	}
	key := c.Key
	if len(key) > 8 || strings.Contains(key, " ") {
		key = "HIERARCH " + key
	}
	s := key + " = " + formatValueText(c.Value)
	if c.Comment != "" {
		s += " / " + c.Comment
	}
	return s
}

// Header is an ordered list of cards. Keyword order, comments and the text
// of unchanged cards are kept when a header is written again.
type Header struct {
	cards []Card
}

// NewHeader returns an empty header.
func NewHeader() *Header { return &Header{} }

// Len returns the number of cards (a long string counts once).
func (h *Header) Len() int { return len(h.cards) }

// Cards returns a copy of the cards in order.
func (h *Header) Cards() []Card { return append([]Card(nil), h.cards...) }

// Copy returns a deep-enough copy of h that can be changed independently.
func (h *Header) Copy() *Header {
	if h == nil {
		return NewHeader()
	}
	return &Header{cards: h.Cards()}
}

func normKey(key string) string {
	key = strings.ToUpper(strings.TrimSpace(key))
	if strings.HasPrefix(key, "HIERARCH ") {
		key = strings.TrimSpace(key[len("HIERARCH "):])
	}
	return key
}

// index returns the position of the first valued card with key, or -1.
func (h *Header) index(key string) int {
	if h == nil {
		return -1
	}
	key = normKey(key)
	for i := range h.cards {
		if h.cards[i].hasValue && h.cards[i].Key == key {
			return i
		}
	}
	return -1
}

// Has reports whether the header has a valued card with this keyword.
func (h *Header) Has(key string) bool { return h.index(key) >= 0 }

// Get returns the value of the first card with this keyword.
func (h *Header) Get(key string) (any, bool) {
	i := h.index(key)
	if i < 0 {
		return nil, false
	}
	return h.cards[i].Value, true
}

// Card returns the first card with this keyword.
func (h *Header) Card(key string) (Card, bool) {
	i := h.index(key)
	if i < 0 {
		return Card{}, false
	}
	return h.cards[i], true
}

// Float returns a numeric value (integer or float) as float64.
func (h *Header) Float(key string) (float64, bool) {
	v, ok := h.Get(key)
	if !ok {
		return 0, false
	}
	switch v := v.(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	}
	return 0, false
}

// Int returns an integer value; a float value is accepted when it is integral.
func (h *Header) Int(key string) (int64, bool) {
	v, ok := h.Get(key)
	if !ok {
		return 0, false
	}
	switch v := v.(type) {
	case int64:
		return v, true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<63 {
			return int64(v), true
		}
	}
	return 0, false
}

// String returns a string value (trailing blanks removed, quotes undoubled).
func (h *Header) String(key string) (string, bool) {
	v, ok := h.Get(key)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

// Bool returns a logical value.
func (h *Header) Bool(key string) (bool, bool) {
	v, ok := h.Get(key)
	if !ok {
		return false, false
	}
	b, ok := v.(bool)
	return b, ok
}

// normValue converts the Go types Set accepts to the stored types.
func normValue(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint:
		if uint64(x) <= math.MaxInt64 {
			return int64(x)
		}
		return float64(x)
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x)
		}
		return float64(x)
	case float32:
		return float64(x)
	case complex64:
		return complex128(x)
	}
	return v
}

// Set updates the first card with key in place (keeping its position) or
// appends a new one (COMMENT, HISTORY and blank keys always append their
// value as text). value is bool, an integer type, float32/float64, string,
// complex or nil (undefined value). An empty comment keeps an existing one.
func (h *Header) Set(key string, value any, comment string) {
	key = normKey(key)
	if key == "COMMENT" || key == "HISTORY" || key == "" {
		h.addCommentary(key, fmt.Sprint(value)) // commentary cards have no value
		return
	}
	value = normValue(value)
	if i := h.index(key); i >= 0 {
		c := &h.cards[i]
		c.Value = value
		if comment != "" {
			c.Comment = comment
		}
		c.raw, c.bad = nil, ""
		return
	}
	h.cards = append(h.cards, Card{Key: key, Value: value, Comment: comment, hasValue: true})
}

// Add appends a valued card even if the keyword is already present.
func (h *Header) Add(key string, value any, comment string) {
	h.cards = append(h.cards, Card{Key: normKey(key), Value: normValue(value), Comment: comment, hasValue: true})
}

// AddComment appends a COMMENT card.
func (h *Header) AddComment(text string) { h.addCommentary("COMMENT", text) }

// AddHistory appends a HISTORY card.
func (h *Header) AddHistory(text string) { h.addCommentary("HISTORY", text) }

// AddBlank appends a blank-keyword commentary card.
func (h *Header) AddBlank(text string) { h.addCommentary("", text) }

func (h *Header) addCommentary(key, text string) {
	h.cards = append(h.cards, Card{Key: key, Comment: text})
}

// AppendCard appends c as it is (for copying cards between headers).
func (h *Header) AppendCard(c Card) { h.cards = append(h.cards, c) }

// Delete removes the first valued card with key and reports whether there was one.
func (h *Header) Delete(key string) bool {
	i := h.index(key)
	if i < 0 {
		return false
	}
	h.cards = append(h.cards[:i], h.cards[i+1:]...)
	return true
}

// --- parsing ---------------------------------------------------------------

// errNoEnd is returned by ParseHeader when the END card is missing.
var errNoEnd = errors.New("missing END card")

// ParseHeader parses header blocks (a multiple of 80 bytes, normally of 2880)
// up to the END card. It returns the header and the number of bytes used,
// padded to whole 2880-byte blocks.
func ParseHeader(data []byte) (*Header, int, error) {
	p := &headerParser{h: NewHeader()}
	for off := 0; off+CardSize <= len(data); off += CardSize {
		end, err := p.card(string(data[off : off+CardSize]))
		if err != nil {
			return nil, 0, fmt.Errorf("card %d: %w", off/CardSize+1, err)
		}
		if end {
			p.finish()
			n := off + CardSize
			return p.h, (n + BlockSize - 1) / BlockSize * BlockSize, nil
		}
	}
	return nil, 0, errNoEnd
}

type headerParser struct {
	h    *Header
	cont *Card // the long-string card CONTINUE cards attach to
}

func (p *headerParser) finish() { p.cont = nil }

// card parses one 80-byte card image; it reports true at END.
func (p *headerParser) card(img string) (bool, error) {
	for i := 0; i < len(img); i++ {
		if img[i] < 0x20 || img[i] > 0x7e {
			return false, fmt.Errorf("non-ASCII-text byte 0x%02x in %q", img[i], strings.TrimRight(img[:8], " "))
		}
	}
	key := strings.TrimRight(img[:8], " ")
	if key == "END" && strings.TrimSpace(img[8:]) == "" {
		return true, nil
	}
	if key == "CONTINUE" && p.cont != nil {
		if s, ok := p.cont.Value.(string); ok && strings.HasSuffix(s, "&") {
			v, comment, err := parseValue(img[8:])
			if vs, isStr := v.(string); err == nil && isStr {
				joined := s[:len(s)-1] + vs
				if !strings.HasSuffix(joined, "&") {
					joined = strings.TrimRight(joined, " ")
				}
				p.cont.Value = joined
				if comment != "" {
					if p.cont.Comment != "" {
						p.cont.Comment += " "
					}
					p.cont.Comment += comment
				}
				p.cont.raw = append(p.cont.raw, img)
				return false, nil
			}
		}
	}
	p.cont = nil
	c := Card{raw: []string{img}}
	switch {
	case key == "HIERARCH" && strings.Contains(img[8:], "="):
		rest := img[8:]
		eq := strings.IndexByte(rest, '=')
		c.Key = strings.ToUpper(strings.Join(strings.Fields(rest[:eq]), " "))
		c.hasValue = true
		v, comment, err := parseValue(rest[eq+1:])
		c.Value, c.Comment = v, comment
		if err != nil {
			c.Value, c.bad = strings.TrimSpace(rest[eq+1:]), err.Error()
		}
	case img[8:10] == "= " && key != "COMMENT" && key != "HISTORY" && key != "":
		c.Key = strings.ToUpper(key)
		c.hasValue = true
		v, comment, err := parseValue(img[10:])
		c.Value, c.Comment = v, comment
		if err != nil {
			c.Value, c.bad = strings.TrimSpace(img[10:]), err.Error()
		}
	default:
		c.Key = strings.ToUpper(key)
		c.Comment = strings.TrimRight(img[8:], " ")
	}
	for _, ch := range c.Key {
		if !(ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == ' ' && c.hasValue) {
			c.bad = fmt.Sprintf("illegal character %q in keyword", ch)
			break
		}
	}
	p.h.cards = append(p.h.cards, c)
	if s, ok := c.Value.(string); ok && strings.HasSuffix(s, "&") {
		p.cont = &p.h.cards[len(p.h.cards)-1]
	}
	return false, nil
}

// parseValue parses the value field of a card (everything after "= ") into
// the value and the comment.
func parseValue(s string) (any, string, error) {
	t := strings.TrimLeft(s, " ")
	if strings.HasPrefix(t, "'") {
		var b strings.Builder
		i := 1
		closed := false
		for i < len(t) {
			if t[i] == '\'' {
				if i+1 < len(t) && t[i+1] == '\'' {
					b.WriteByte('\'')
					i += 2
					continue
				}
				closed = true
				i++
				break
			}
			b.WriteByte(t[i])
			i++
		}
		if !closed {
			return nil, "", errors.New("string value without closing quote")
		}
		return strings.TrimRight(b.String(), " "), parseComment(t[i:]), nil
	}
	field, comment := t, ""
	if j := strings.IndexByte(t, '/'); j >= 0 {
		field, comment = t[:j], strings.TrimSpace(t[j+1:])
	}
	field = strings.TrimSpace(field)
	if field == "" {
		return nil, comment, nil
	}
	v, err := parseScalar(field)
	return v, comment, err
}

func parseComment(rest string) string {
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, "/") {
		return strings.TrimSpace(rest[1:])
	}
	return rest
}

func parseScalar(f string) (any, error) {
	switch f {
	case "T":
		return true, nil
	case "F":
		return false, nil
	}
	if strings.HasPrefix(f, "(") && strings.HasSuffix(f, ")") {
		parts := strings.Split(f[1:len(f)-1], ",")
		if len(parts) == 2 {
			re, err1 := parseNumber(strings.TrimSpace(parts[0]))
			im, err2 := parseNumber(strings.TrimSpace(parts[1]))
			if err1 == nil && err2 == nil {
				return complex(re, im), nil
			}
		}
		return nil, fmt.Errorf("bad complex value %q", f)
	}
	if !strings.ContainsAny(f, ".EeDd") {
		if n, err := strconv.ParseInt(f, 10, 64); err == nil {
			return n, nil
		}
	}
	x, err := parseNumber(f)
	if err != nil {
		return nil, fmt.Errorf("bad value %q", f)
	}
	return x, nil
}

func parseNumber(f string) (float64, error) {
	f = strings.NewReplacer("D", "E", "d", "e").Replace(f)
	if f == "" || strings.ContainsAny(f, "xXpP_nNiI") { // no hex floats, NaN, Inf
		return 0, errors.New("not a number")
	}
	return strconv.ParseFloat(f, 64)
}

// --- formatting ------------------------------------------------------------

// formatFloat writes x in the shortest form that reads back exactly, with an
// upper-case exponent and always a decimal point.
func formatFloat(x float64) string {
	s := strconv.FormatFloat(x, 'G', -1, 64)
	if strings.ContainsAny(s, ".NI") {
		return s
	}
	if i := strings.IndexByte(s, 'E'); i >= 0 {
		return s[:i] + ".0" + s[i:]
	}
	return s + ".0"
}

func quoteString(s string) string { return strings.ReplaceAll(s, "'", "''") }

// formatValueText is the value as it appears in an assembled card.
func formatValueText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case bool:
		if v {
			return "T"
		}
		return "F"
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return formatFloat(v)
	case complex128:
		return "(" + formatFloat(real(v)) + ", " + formatFloat(imag(v)) + ")"
	case string:
		return "'" + quoteString(v) + "'"
	}
	return fmt.Sprint(v)
}

func pad80(s string) string {
	if len(s) >= CardSize {
		return s[:CardSize]
	}
	return s + strings.Repeat(" ", CardSize-len(s))
}

// format returns the 80-byte card images of c.
func (c Card) format() ([]string, error) {
	for i := 0; i < len(c.Key); i++ {
		if c.Key[i] < 0x20 || c.Key[i] > 0x7e {
			return nil, fmt.Errorf("keyword %q: non-ASCII character", c.Key)
		}
	}
	if err := checkText(c.Comment); err != nil {
		return nil, fmt.Errorf("keyword %s: comment: %w", c.Key, err)
	}
	if !c.hasValue {
		if len(c.Key) > 8 {
			return nil, fmt.Errorf("commentary keyword %q longer than 8 characters", c.Key)
		}
		text := c.Comment
		var out []string
		for {
			n := min(len(text), 72)
			out = append(out, pad80(fmt.Sprintf("%-8s%s", c.Key, text[:n])))
			text = text[n:]
			if text == "" {
				return out, nil
			}
		}
	}
	prefix := fmt.Sprintf("%-8s= ", c.Key)
	if len(c.Key) > 8 || strings.Contains(c.Key, " ") {
		prefix = "HIERARCH " + c.Key + " = "
	}
	var val string
	switch v := c.Value.(type) {
	case nil:
		val = ""
	case bool, int64, complex128:
		val = fmt.Sprintf("%20s", formatValueText(v))
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("keyword %s: value %v cannot be written in a FITS header", c.Key, v)
		}
		val = fmt.Sprintf("%20s", formatFloat(v))
	case string:
		if err := checkText(v); err != nil {
			return nil, fmt.Errorf("keyword %s: %w", c.Key, err)
		}
		return c.formatString(prefix, v)
	default:
		return nil, fmt.Errorf("keyword %s: unsupported value type %T", c.Key, c.Value)
	}
	card := prefix + val
	if len(card) > CardSize {
		return nil, fmt.Errorf("keyword %s: card longer than 80 characters", c.Key)
	}
	if c.Comment != "" {
		card += " / " + c.Comment
	}
	return []string{pad80(card)}, nil
}

func checkText(s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return fmt.Errorf("non-printable-ASCII byte 0x%02x", s[i])
		}
	}
	return nil
}

// formatString writes a string value, continuing it over CONTINUE cards when
// it does not fit in one card.
func (c Card) formatString(prefix, v string) ([]string, error) {
	q := quoteString(v)
	if len(q) < 8 {
		q += strings.Repeat(" ", 8-len(q))
	}
	one := prefix + "'" + q + "'"
	if len(one) <= CardSize {
		if c.Comment != "" && len(one) < len(prefix)+20 {
			// fixed format: value field of 20 characters, comment after it
			one += strings.Repeat(" ", len(prefix)+20-len(one))
		}
		if c.Comment != "" && len(one)+3+len(c.Comment) <= CardSize {
			one += " / " + c.Comment
		} else if c.Comment != "" {
			return c.longString(prefix, v)
		}
		return []string{pad80(one)}, nil
	}
	return c.longString(prefix, v)
}

// longString splits a string over CONTINUE cards (the OGIP long-string
// convention): every card but the last ends its piece with '&'.
func (c Card) longString(prefix, v string) ([]string, error) {
	room := CardSize - len(prefix) - 3 // quotes and '&'
	if room < 1 {
		return nil, fmt.Errorf("keyword %s too long for a string value", c.Key)
	}
	var out []string
	first := true
	for {
		// take as many characters as fit, quotes counting twice
		n, w := 0, 0
		for n < len(v) {
			cw := 1
			if v[n] == '\'' {
				cw = 2
			}
			if w+cw > room {
				break
			}
			w += cw
			n++
		}
		piece := quoteString(v[:n])
		v = v[n:]
		head := "CONTINUE  "
		if first {
			head = prefix
		}
		first = false
		if v == "" {
			card := head + "'" + piece + "'"
			if c.Comment != "" {
				if len(card)+3+len(c.Comment) <= CardSize {
					card += " / " + c.Comment
				} else {
					out = append(out, pad80(head+"'"+piece+"&'"))
					card = "CONTINUE  ''"
					cm := c.Comment
					if len(card)+3+len(cm) > CardSize {
						cm = cm[:CardSize-len(card)-3]
					}
					card += " / " + cm
				}
			}
			out = append(out, pad80(card))
			return out, nil
		}
		out = append(out, pad80(head+"'"+piece+"&'"))
		room = CardSize - len("CONTINUE  ") - 3
	}
}

// encode returns the header as 2880-byte blocks ending with END.
func (h *Header) encode() ([]byte, error) {
	var b []byte
	for _, c := range h.cards {
		imgs := c.raw
		if imgs == nil {
			var err error
			imgs, err = c.format()
			if err != nil {
				return nil, err
			}
		}
		for _, img := range imgs {
			b = append(b, img...)
		}
	}
	b = append(b, pad80("END")...)
	for len(b)%BlockSize != 0 {
		b = append(b, ' ')
	}
	return b, nil
}
