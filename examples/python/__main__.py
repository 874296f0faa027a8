"""kubeharden's components from Python, through the component provider (`make provider`) and the SDK
generated from its schema (`make sdk`, sdk/python: `pip install -e ../../sdk/python`). The profile is a
typed object (ProfileArgs) or the same dictionary."""
import pulumi
import pulumi_kubeharden as kubeharden


class KubernetesProvider(pulumi.ProviderResource):
    """A kubernetes provider of the program's own that renders YAML (pulumi_kubernetes.Provider is this
    class with typed arguments); drop render_yaml_to_directory to apply to the cluster of your kubeconfig."""

    def __init__(self, name: str, render_yaml_to_directory: str):
        super().__init__("kubernetes", name, {"renderYamlToDirectory": render_yaml_to_directory})


config = pulumi.Config()
render = KubernetesProvider("render", config.get("renderDir") or "rendered")

hardening = kubeharden.Baseline(
    "hardening",
    profile=kubeharden.ProfileArgs(
        tenants=[kubeharden.TenantArgs(name="payments", quota=kubeharden.QuotaArgs(limits_cpu="4", limits_memory="8Gi"))],
        guardrails=kubeharden.GuardrailsArgs(allowed_registries=["registry.k8s.io"]),
    ),
    opts=pulumi.ResourceOptions(providers=[render]),
)

reporting = kubeharden.tenant.Namespace(
    "reporting",
    tenant=kubeharden.TenantArgs(name="reporting", egress_cidrs=["10.60.0.0/16"]),
    opts=pulumi.ResourceOptions(providers=[render]),
)

pulumi.export("namespaces", hardening.namespaces)
pulumi.export("reportingNamespace", reporting.namespace_name)
pulumi.export("reportingEnforces", reporting.pod_security_enforce)
