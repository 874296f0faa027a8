package auditserve

import "github.com/prometheus/client_golang/prometheus"

// metrics are the receiver's counters, in a registry of its own.
type metrics struct {
	registry                             *prometheus.Registry
	events, unread                       prometheus.Counter
	refused                              *prometheus.CounterVec
	alerts, delivered, failures, dropped *prometheus.CounterVec
	pending                              *prometheus.GaugeVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		events:   prometheus.NewCounter(prometheus.CounterOpts{Name: "kubeharden_audit_events_received_total", Help: "Audit events queued on disk."}),
		unread:   prometheus.NewCounter(prometheus.CounterOpts{Name: "kubeharden_audit_events_unread_total", Help: "Queued events that are not audit events: not judged."}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kubeharden_audit_batches_refused_total",
			Help: "Batches refused, by reason: client (no client certificate of the API server), body (not an EventList), full (the event queue is full; the API server sends it again)."}, []string{"reason"}),
		alerts:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kubeharden_audit_alerts_total", Help: "Alerts raised, by rule."}, []string{"rule"}),
		delivered: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kubeharden_audit_alerts_delivered_total", Help: "Alerts delivered, by sink."}, []string{"sink"}),
		failures:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kubeharden_audit_delivery_failures_total", Help: "Failed deliveries (retried), by sink."}, []string{"sink"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kubeharden_audit_alerts_dropped_total",
			Help: "Alerts dropped for a sink whose queue was full, by sink."}, []string{"sink"}),
		pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "kubeharden_audit_alerts_pending_bytes", Help: "Bytes of alerts queued for a sink, not yet delivered."}, []string{"sink"}),
	}
	m.registry.MustRegister(m.events, m.unread, m.refused, m.alerts, m.delivered, m.failures, m.dropped, m.pending)
	return m
}
