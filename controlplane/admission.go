package controlplane

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	apiserverv1 "k8s.io/apiserver/pkg/apis/apiserver/v1"
	psaconfigv1 "k8s.io/pod-security-admission/admission/api/v1"

	"github.com/kubeharden/kubeharden/config"
)

// AdmissionConfig builds the API server's AdmissionConfiguration with the PodSecurity plugin's cluster
// defaults (for namespaces that carry no labels of their own) and its exemptions.
func AdmissionConfig(adm config.Admission, podSecurityVersion string) (*apiserverv1.AdmissionConfiguration, error) {
	psa := psaconfigv1.PodSecurityConfiguration{
		Defaults: psaconfigv1.PodSecurityDefaults{
			Enforce: adm.Enforce, EnforceVersion: podSecurityVersion,
			Audit: adm.Audit, AuditVersion: podSecurityVersion,
			Warn: adm.Warn, WarnVersion: podSecurityVersion,
		},
	}
	psa.APIVersion = "pod-security.admission.config.k8s.io/v1"
	psa.Kind = "PodSecurityConfiguration"
	for _, e := range adm.Exemptions {
		switch e.Kind {
		case "namespace":
			psa.Exemptions.Namespaces = append(psa.Exemptions.Namespaces, e.Name)
		case "username":
			psa.Exemptions.Usernames = append(psa.Exemptions.Usernames, e.Name)
		case "runtimeClass":
			psa.Exemptions.RuntimeClasses = append(psa.Exemptions.RuntimeClasses, e.Name)
		}
	}
	raw, err := json.Marshal(psa)
	if err != nil {
		return nil, fmt.Errorf("rendering the PodSecurity configuration: %w", err)
	}
	c := &apiserverv1.AdmissionConfiguration{Plugins: []apiserverv1.AdmissionPluginConfiguration{{
		Name:          "PodSecurity",
		Configuration: &runtime.Unknown{Raw: raw, ContentType: runtime.ContentTypeJSON},
	}}}
	c.APIVersion = "apiserver.config.k8s.io/v1"
	c.Kind = "AdmissionConfiguration"
	return c, nil
}
