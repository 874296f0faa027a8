// Package timeline writes an audit scan's result as an HTML page in the report's style (its style sheet,
// report.ReportStyle), for an incident review: the alerts by severity, then a timeline of them by actor
// and by object, then what could not be read. It judges nothing.
package timeline
