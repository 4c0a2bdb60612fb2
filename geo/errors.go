package geo

import (
	"errors"
	"fmt"
)

// Kind classifies errors so that each protocol (HTTP, the command line) can map them to its
// own status in one place.
type Kind int

// The error kinds of gridmap.
const (
	Internal           Kind = iota // a bug or an unexpected failure; the caller sees a generic message
	Invalid                        // the input is wrong; the message says which field and why
	NotFound                       // the thing asked for does not exist
	Conflict                       // the input clashes with stored state (a stale version, a duplicate)
	Unavailable                    // a dependency (the database) cannot be reached
	Forbidden                      // the caller may not see this (personal data)
	Unauthenticated                // the credentials are missing where required, unknown, expired or revoked
	PreconditionFailed             // the caller's If-Match names a version that is no longer the current one
	Unprocessable                  // well-formed, but breaks a rule of the domain (a publish with coverage errors)
)

// Error is an error with a kind, a message meant for the client, and optionally the field
// of the input it is about.
type Error struct {
	Kind    Kind
	Field   string
	Message string
	Err     error // the cause, for logs; never shown to clients
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of kind k with a formatted message.
func Errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an Invalid error about the named input field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of err, Internal when err carries none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}
