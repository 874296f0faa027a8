// kubeharden's components from TypeScript, through the component provider (`make provider`) and the
// SDK generated from its schema (`make sdk`, sdk/nodejs). The profile is a typed object: a misspelt
// field or a value of the wrong type is a compile error.
import * as pulumi from "@pulumi/pulumi";
import * as kubeharden from "@kubeharden/kubeharden";

const config = new pulumi.Config();

// A kubernetes provider of the program's own that renders YAML; drop renderYamlToDirectory to apply to
// the cluster of your kubeconfig. (@pulumi/kubernetes's Provider is this class with typed arguments.)
class KubernetesProvider extends pulumi.ProviderResource {
    constructor(name: string, args: { renderYamlToDirectory?: pulumi.Input<string> }) {
        super("kubernetes", name, args);
    }
}
const render = new KubernetesProvider("render", {
    renderYamlToDirectory: config.get("renderDir") ?? "rendered",
});

const hardening = new kubeharden.Baseline("hardening", {
    profile: {
        tenants: [{ name: "payments", quota: { limitsCPU: "4", limitsMemory: "8Gi" } }],
        guardrails: { allowedRegistries: ["registry.k8s.io"] },
    },
}, { providers: [render] });

const reporting = new kubeharden.tenant.Namespace("reporting", {
    tenant: { name: "reporting", egressCIDRs: ["10.60.0.0/16"] },
}, { providers: [render] });

export const namespaces = hardening.namespaces;
export const reportingNamespace = reporting.namespaceName;
export const reportingEnforces = reporting.podSecurityEnforce;
