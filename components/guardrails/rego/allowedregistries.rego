# Images only from the registries the profile allows (a registry, then "/").
package kubeharden.allowedregistries

import data.lib.kubeharden
import rego.v1

violation contains {"msg": msg} if {
	some c in kubeharden.containers(input.review.object)
	not allowed(c.image)
	msg := sprintf("image %v is not from an allowed registry (%v)", [c.image, concat(", ", input.parameters.registries)])
}

allowed(image) if {
	some r in input.parameters.registries
	startswith(image, concat("", [r, "/"]))
}
