# Images need a version tag other than latest, or a digest.
package kubeharden.imagetag

import data.lib.kubeharden
import rego.v1

violation contains {"msg": msg} if {
	some c in kubeharden.containers(input.review.object)
	not pinned(c.image)
	msg := sprintf("image %v needs a version tag other than latest, or a digest", [c.image])
}

pinned(image) if regex.match(`@sha256:[a-f0-9]{64}$`, image)

pinned(image) if {
	regex.match(`:[^/:@]+$`, image)
	not endswith(image, ":latest")
}
