package config

// Compliance says how `kubeharden check` and `kubeharden report` judge the cluster.
type Compliance struct {
	// Exemptions excuse findings of the control catalog, each with the reason an auditor reads; every
	// report shows them.
	Exemptions []ControlExemption `json:"exemptions,omitempty"`
}

// ControlExemption excuses a control's findings for one object (or a pattern of them), or all of them.
type ControlExemption struct {
	// Control is the control's ID, such as "network-default-deny" (`kubeharden check -o json` lists them).
	Control string `json:"control"`
	// Object is a finding's object, such as "Namespace/legacy" or "kube-apiserver"; "*" matches within a
	// segment. Empty exempts every finding of the control.
	Object string `json:"object,omitempty"`
	// Reason says why. It is required.
	Reason string `json:"reason"`
}
