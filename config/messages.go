package config

import (
	"fmt"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Message lengths: a value, a field path and a detail are cut to these many characters in a message, so
// that a 100,000-character value reads as its head and its length, not as a wall of text.
const (
	maxValueInMessage  = 80
	maxPathInMessage   = 160
	maxDetailInMessage = 400
)

// ShortenErrors returns errs with every string value, field path and detail cut to a readable length. It
// copies what it cuts and leaves errs as it was.
func ShortenErrors(errs field.ErrorList) field.ErrorList {
	out := make(field.ErrorList, len(errs))
	for i, e := range errs {
		c := *e
		if s, ok := c.BadValue.(string); ok {
			c.BadValue = Shorten(s, maxValueInMessage)
		}
		c.Field = Shorten(c.Field, maxPathInMessage)
		c.Detail = Shorten(c.Detail, maxDetailInMessage)
		out[i] = &c
	}
	return out
}

// Shorten is s when it has at most max characters; otherwise its first max characters, an ellipsis and
// how long s was.
func Shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return fmt.Sprintf("%s… (%d characters)", string(r[:max]), len(r))
}
