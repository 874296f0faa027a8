// Package auditserve is `kubeharden audit serve`: an audit webhook backend for the API server. It
// accepts the API server's batches (audit.k8s.io/v1 EventLists) over HTTPS only from a client
// certificate of the API server's audit webhook identity (pki.AuditWebhookClientCN, chained to the
// client CA), answers a batch once its events are synced to a queue on disk (queue.go), evaluates the
// detection rules on them (package detections), and delivers the alerts to each sink (sinks.go: JSON
// lines, Alertmanager's v2 API, RFC 5424 syslog over TLS) from a queue of the sink's own: a sink that is
// down gets every alert when it comes back, in order; a sink's queue that reaches its bound drops the
// new alerts for that sink only, counted (kubeharden_audit_alerts_dropped_total) and logged, never
// silently. Delivery is at least once: a receiver stopped between delivering a batch and recording it
// sends the batch again.
package auditserve
