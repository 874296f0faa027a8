package main

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubeharden/kubeharden/auditserve"
	"github.com/kubeharden/kubeharden/check"
	"github.com/kubeharden/kubeharden/detections"
	"github.com/kubeharden/kubeharden/detections/timeline"
	"github.com/kubeharden/kubeharden/stack"
)

// newAuditCommand is `kubeharden audit scan`: the detection rules over audit logs, and with a profile the
// tamper rules of its baseline.
func newAuditCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Detect attacks and weakening in the API server's audit log"}
	var output, profile, manager string
	var deployers []string
	scan := &cobra.Command{
		Use:   "scan FILE|FOLDER...",
		Short: "Evaluate the detection rules on audit logs (JSON lines, .gz too); exit 1 on an alert, 2 when anything was not read",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError(fmt.Errorf("audit scan: name at least one audit log file or folder"))
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if output != "text" && output != "json" && output != "jsonl" && output != "html" {
				return usageError(fmt.Errorf("--output %q: supported values: text, json, jsonl, html", output))
			}
			rules, err := rulesFor(profile, manager, deployers)
			if err != nil {
				return usageError(fmt.Errorf("audit scan: %w", err))
			}
			res := detections.ScanFiles(rules, args...)
			switch output {
			case "json":
				enc := json.NewEncoder(c.OutOrStdout())
				enc.SetIndent("", "  ")
				err = enc.Encode(res)
			case "jsonl":
				err = res.WriteJSONLines(c.OutOrStdout())
			case "html":
				err = timeline.Write(c.OutOrStdout(), res, time.Now())
			default:
				err = res.WriteText(c.OutOrStdout())
			}
			if err != nil {
				return err
			}
			if code := res.ExitCode(); code != detections.ExitClean {
				return outcome(code)
			}
			return nil
		},
	}
	scan.Flags().StringVarP(&output, "output", "o", "text", "text, json (the whole result), jsonl (an alert a line) or html (a timeline by actor and object, for an incident review)")
	addBaselineFlags(scan, &profile, &manager, &deployers)
	cmd.AddCommand(scan, newAuditServeCommand())
	return cmd
}

// newAuditServeCommand is `kubeharden audit serve`: the audit webhook backend.
func newAuditServeCommand() *cobra.Command {
	var o serveOptions
	c := &cobra.Command{
		Use:   "serve",
		Short: "Be the API server's audit webhook (HTTPS, its client certificate required): evaluate the rules live and deliver the alerts to JSON lines, Alertmanager and syslog over TLS, from queues on disk",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			r, err := o.receiver()
			if err != nil {
				return usageError(fmt.Errorf("audit serve: %w", err))
			}
			defer r.Close()
			ctx, stop := signal.NotifyContext(c.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if o.metricsListen != "" {
				ml, err := net.Listen("tcp", o.metricsListen)
				if err != nil {
					return usageError(fmt.Errorf("audit serve: --metrics-listen: %w", err))
				}
				metrics := &http.Server{Handler: r.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second}
				go func() { _ = metrics.Serve(ml) }()
				defer metrics.Close()
			}
			l, err := net.Listen("tcp", o.listen)
			if err != nil {
				return usageError(fmt.Errorf("audit serve: --listen: %w", err))
			}
			fmt.Fprintf(c.ErrOrStderr(), "kubeharden: audit serve: listening on https://%s (%d rules, sinks: %s)\n", l.Addr(), len(r.Rules), strings.Join(o.sinkNames, ", "))
			return r.Serve(ctx, l)
		},
	}
	f := c.Flags()
	f.StringVar(&o.listen, "listen", "127.0.0.1:8443", "the address to serve HTTPS on")
	f.StringVar(&o.cert, "cert", "", "the serving certificate (PEM; `kubeharden files write` renders pki/audit-webhook-server.crt)")
	f.StringVar(&o.key, "key", "", "its private key (PEM)")
	f.StringVar(&o.clientCA, "client-ca", "", "the CA the API server's client certificate chains to (the cluster CA, pki/ca.crt)")
	f.StringVar(&o.queueDir, "queue-dir", "", "the folder of the queues on disk (events, and alerts for each sink)")
	f.Int64Var(&o.maxQueueBytes, "max-queue-bytes", auditserve.DefaultMaxQueueBytes, "the bound of each queue: past it, batches are refused (the API server sends them again) and a sink's alerts are dropped, counted")
	f.StringVar(&o.alertsFile, "alerts-file", "", "append the alerts as JSON lines to this file")
	f.StringVar(&o.alertmanager, "alertmanager", "", "post the alerts to this Alertmanager (its base URL) on its v2 API")
	f.StringVar(&o.alertmanagerCA, "alertmanager-ca", "", "the CA of an https Alertmanager's certificate (PEM)")
	f.StringVar(&o.syslog, "syslog", "", "send the alerts as RFC 5424 syslog over TLS to this host:port")
	f.StringVar(&o.syslogCA, "syslog-ca", "", "the CA of the syslog receiver's certificate (PEM)")
	f.StringVar(&o.syslogCert, "syslog-cert", "", "a client certificate for the syslog receiver (PEM; mutual TLS)")
	f.StringVar(&o.syslogKey, "syslog-key", "", "its private key (PEM)")
	f.StringVar(&o.metricsListen, "metrics-listen", "", "serve the receiver's metrics (Prometheus text, /metrics) over plain HTTP on this address, such as 127.0.0.1:9847")
	addBaselineFlags(c, &o.profile, &o.manager, &o.deployers)
	return c
}

// serveOptions are `audit serve`'s flags.
type serveOptions struct {
	listen, cert, key, clientCA, queueDir                  string
	maxQueueBytes                                          int64
	alertsFile, alertmanager, alertmanagerCA               string
	syslog, syslogCA, syslogCert, syslogKey, metricsListen string
	profile, manager                                       string
	deployers, sinkNames                                   []string
}

// receiver checks the flags and makes the receiver they describe.
func (o *serveOptions) receiver() (*auditserve.Receiver, error) {
	for _, req := range []struct{ flag, value string }{{"--cert", o.cert}, {"--key", o.key}, {"--client-ca", o.clientCA}, {"--queue-dir", o.queueDir}} {
		if req.value == "" {
			return nil, fmt.Errorf("%s is required", req.flag)
		}
	}
	cert, clientCAs, err := auditserve.LoadTLS(o.cert, o.key, o.clientCA)
	if err != nil {
		return nil, err
	}
	rules, err := rulesFor(o.profile, o.manager, o.deployers)
	if err != nil {
		return nil, err
	}
	var sinks []auditserve.Sink
	if o.alertsFile != "" {
		sinks = append(sinks, auditserve.JSONLines{Path: o.alertsFile})
	}
	if o.alertmanager != "" {
		u, err := url.Parse(o.alertmanager)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("--alertmanager %q: must be an http:// or https:// URL", o.alertmanager)
		}
		tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
		if o.alertmanagerCA != "" {
			if tlsConfig.RootCAs, err = auditserve.CertPool(o.alertmanagerCA); err != nil {
				return nil, fmt.Errorf("--alertmanager-ca: %w", err)
			}
		}
		sinks = append(sinks, auditserve.Alertmanager{URL: o.alertmanager, Resolve: time.Hour,
			Client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: tlsConfig}}})
	}
	if o.syslog != "" {
		host, _, err := net.SplitHostPort(o.syslog)
		if err != nil {
			return nil, fmt.Errorf("--syslog %q: must be host:port", o.syslog)
		}
		tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
		if o.syslogCA != "" {
			if tlsConfig.RootCAs, err = auditserve.CertPool(o.syslogCA); err != nil {
				return nil, fmt.Errorf("--syslog-ca: %w", err)
			}
		}
		if (o.syslogCert == "") != (o.syslogKey == "") {
			return nil, fmt.Errorf("--syslog-cert and --syslog-key go together")
		}
		if o.syslogCert != "" {
			kp, err := tls.LoadX509KeyPair(o.syslogCert, o.syslogKey)
			if err != nil {
				return nil, fmt.Errorf("--syslog-cert: %w", err)
			}
			tlsConfig.Certificates = []tls.Certificate{kp}
		}
		hostname, _ := os.Hostname()
		sinks = append(sinks, &auditserve.Syslog{Addr: o.syslog, TLS: tlsConfig, Hostname: hostname})
	}
	if len(sinks) == 0 {
		return nil, fmt.Errorf("name at least one sink: --alerts-file, --alertmanager or --syslog")
	}
	for _, s := range sinks {
		o.sinkNames = append(o.sinkNames, s.Name())
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	return auditserve.NewReceiver(cert, clientCAs, rules, sinks, o.queueDir, o.maxQueueBytes, log)
}

// rulesFor are the catalog's rules and, with a profile, the tamper rules of the baseline it makes (the
// catalog's quiet on the stack's own destroy of it); --field-manager and --deployer need the profile.
func rulesFor(profile, manager string, deployers []string) ([]detections.Rule, error) {
	rules := detections.DefaultRules()
	if profile == "" {
		if manager != "" || len(deployers) > 0 {
			return nil, fmt.Errorf("--field-manager and --deployer need --profile")
		}
		return rules, nil
	}
	b, err := baseline(profile, manager, deployers)
	if err != nil {
		return nil, fmt.Errorf("--profile %s: %w", profile, err)
	}
	tamper, err := detections.TamperRules(b)
	if err != nil {
		return nil, err
	}
	return append(b.Quiet(rules), tamper...), nil
}

// baseline is the baseline the profile or stack settings file makes, for the tamper rules.
func baseline(profile, manager string, deployers []string) (detections.Baseline, error) {
	p, err := check.ProfileFromFile(profile)
	if err != nil {
		return detections.Baseline{}, err
	}
	if manager == "" {
		if manager, err = stack.FieldManagerOf(profile); err != nil {
			return detections.Baseline{}, fmt.Errorf("%w; name it with --field-manager", err)
		}
	}
	return detections.BaselineOf(p, manager, deployers)
}

// newDetectionsCommand is `kubeharden detections export`: the rules for the engines teams already run.
func newDetectionsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "detections", Short: "The detection rules, for other engines"}
	var format, profile, manager string
	var deployers []string
	export := &cobra.Command{
		Use:   "export --format sigma|falco",
		Short: "Write every detection rule as Sigma rules (raw audit field names) or Falco k8saudit rules; with --profile, the stack's tamper rules too",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if !slices.Contains(detections.ExportFormats, format) {
				return usageError(fmt.Errorf("detections export: --format %q: supported values: %s", format, strings.Join(detections.ExportFormats, ", ")))
			}
			rules, err := rulesFor(profile, manager, deployers)
			if err != nil {
				return usageError(fmt.Errorf("detections export: %w", err))
			}
			return detections.Export(c.OutOrStdout(), format, rules)
		},
	}
	export.Flags().StringVar(&format, "format", "", "sigma or falco")
	addBaselineFlags(export, &profile, &manager, &deployers)
	cmd.AddCommand(export)
	return cmd
}

// addBaselineFlags adds the flags that name a stack's baseline, for its tamper rules.
func addBaselineFlags(c *cobra.Command, profile, manager *string, deployers *[]string) {
	c.Flags().StringVar(profile, "profile", "", "the stack's settings file (stacks/Pulumi.<stack>.yaml) or profile: adds the tamper rules, which watch the baseline it makes")
	c.Flags().StringVar(manager, "field-manager", "", "the stack's server-side apply field manager (default: kubeharden/<project>/<stack> from the settings file's name and Pulumi.yaml)")
	c.Flags().StringArrayVar(deployers, "deployer", nil, "a user the stack runs as: its deletes of the baseline are the stack's destroy (repeatable)")
}
