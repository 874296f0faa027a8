package report

// The formats' own types, for the external tests that read what the report writes.
type (
	Sarif       = sarif
	JunitSuites = junitSuites
)
