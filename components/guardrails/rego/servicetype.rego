# Services of the refused types (NodePort, LoadBalancer) expose the nodes.
package kubeharden.servicetype

import rego.v1

violation contains {"msg": msg} if {
	input.review.object.kind == "Service"
	t := object.get(input.review.object.spec, "type", "ClusterIP")
	t in input.parameters.types
	msg := sprintf("Services of type %v expose the nodes; tenants may not create them", [t])
}
