# Every container has CPU and memory limits (C-0270, C-0271).
package kubeharden.resourcelimits

import data.lib.kubeharden
import rego.v1

violation contains {"msg": msg} if {
	some c in kubeharden.containers(input.review.object)
	some r in ["cpu", "memory"]
	not c.resources.limits[r]
	msg := sprintf("container %v has no %v limit", [c.name, r])
}
