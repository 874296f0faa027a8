package detections

import (
	"fmt"
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// Burst is how many refused requests (401 or 403) by one principal, or from one address when the
// request carried no credential the API server accepted, within BurstWindow make an alert.
const (
	Burst       = 10
	BurstWindow = time.Minute
)

// denied-burst: many refused requests from one principal or address in a short time: credentials being
// guessed, or an identity mapping what it may do.
func init() {
	addRule(func() Rule {
		return Rule{
			ID: "denied-burst", Title: "A burst of refused requests",
			Detects: fmt.Sprintf("%d or more responses 401 or 403 to one principal (or one source address, unauthenticated) within %s", Burst, BurstWindow),
			Why:     "it is someone guessing credentials or enumerating what a stolen one may do",
			MITRE:   "T1613 Container and Resource Discovery", ThreatMatrix: "Access the K8S API server",
			Guide: "Audit logging and threat detection", Severity: SeverityMedium,
			Needs: Needs{Level: auditv1.LevelMetadata, Requests: anyRequest},
			Fields: Fields{
				Match:       []Selection{{"responseStatus.code": {"401", "403"}}},
				Except:      []Selection{{"stage": {"ResponseStarted"}, "responseStatus.code": {"403"}}},
				Count:       &Count{GroupBy: []string{"user.username"}, Within: BurstWindow, AtLeast: Burst},
				Approximate: "the Go rule counts a 401 by source address (its user is not known) and a 403 by user; the fields count by user name",
			},
			Correlate: func(ev *auditv1.Event, w *Window) (string, bool) {
				c := code(ev)
				if (c != 401 && c != 403) || ev.Stage == auditv1.StageResponseStarted && c == 403 {
					return "", false
				}
				key := ev.User.Username
				if key == "" || c == 401 {
					key = "address " + firstIP(ev.SourceIPs)
				}
				t := ev.StageTimestamp.Time
				if n := w.Add(key, t, BurstWindow); n >= Burst && w.Fire(key, t, BurstWindow) {
					return fmt.Sprintf("%d refused requests (%d) from %s within %s", n, c, key, BurstWindow), true
				}
				return "", false
			},
		}
	})
}

func firstIP(ips []string) string {
	if len(ips) == 0 {
		return "unknown"
	}
	return ips[0]
}
