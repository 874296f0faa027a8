# Workloads run as a ServiceAccount of their own, never the namespace's default one (C-0034, CIS 5.1.5).
package kubeharden.serviceaccount

import data.lib.kubeharden
import rego.v1

violation contains {"msg": "workloads run as a ServiceAccount of their own, never the namespace's default one"} if {
	name := object.get(kubeharden.pod_spec(input.review.object), "serviceAccountName", "")
	name in {"", "default"}
}
