package controls

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Authentication and authorization" and control plane
hardening: the controller manager and the scheduler listen on the loopback address only, expose no
profiling, and the controller manager runs each controller with its own service account credentials.

**Checked:** --profiling and --bind-address of kube-controller-manager and kube-scheduler;
--use-service-account-credentials, --terminated-pod-gc-threshold, --service-account-private-key-file and
--root-ca-file of kube-controller-manager.

**Passes when:** profiling is off, the bind address is 127.0.0.1 or ::1, and the controller manager uses
per-controller credentials, garbage-collects terminated pods and has its key and root CA set.

Sources: CIS 1.3.1-1.3.5, 1.3.7, 1.4.1, 1.4.2.
*/

func init() { addControl(CheckControllerManagerAndScheduler) }

// CheckControllerManagerAndScheduler is the controller manager and scheduler settings control.
func CheckControllerManagerAndScheduler() Control {
	return Control{
		ID: "controller-manager-and-scheduler", Level: LevelAdvisory, Title: "The controller manager and scheduler listen on loopback only, without profiling",
		Guide: "Authentication and authorization", CIS: "1.3.1-1.3.5, 1.3.7, 1.4.1, 1.4.2", Inspects: ScopeControlPlane,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: controllerManagerAndScheduler_1_31}},
	}
}

func controllerManagerAndScheduler_1_31(inv *Inventory) Result {
	cp := inv.ControlPlane
	if cp.ControllerManager == nil && cp.Scheduler == nil {
		return Result{NotEvaluated: missingComponent("kube-controller-manager", "kube-scheduler")}
	}
	loopback := flagRule{"bind-address", oneOf("127.0.0.1", "::1"), "to 127.0.0.1"}
	profiling := flagRule{"profiling", isValue("false"), "to false"}
	var out Result
	if c := cp.ControllerManager; c != nil {
		checkFlags(c, []flagRule{profiling, loopback,
			{"use-service-account-credentials", isValue("true"), "to true"},
			{"terminated-pod-gc-threshold", atLeast(1), "to a positive number, such as 1000"},
			{"service-account-private-key-file", isSet, "to the service account signing key"},
			{"root-ca-file", isSet, "to the cluster CA's certificate"},
		}, &out)
	}
	if c := cp.Scheduler; c != nil {
		checkFlags(c, []flagRule{profiling, loopback}, &out)
	}
	return out
}
