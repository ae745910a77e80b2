namespace Observe.Collector.Control;

/// <summary>Which cluster the controller talks to (section Kubernetes). None configured: no controller runs in <c>up</c>.</summary>
public sealed class KubernetesOptions
{
    /// <summary>A kubeconfig file (<c>--kubeconfig</c>); its current context unless <see cref="Context"/> names another.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>The kubeconfig context to use (<c>--context</c>).</summary>
    public string? Context { get; set; }

    /// <summary>Use the pod's service account (<c>--in-cluster</c>).</summary>
    public bool InCluster { get; set; }

    /// <summary>Find the cluster as kubectl does (KUBECONFIG, in-cluster, ~/.kube/config): what <c>observe controller</c> does without flags.</summary>
    public bool Discover { get; set; }

    public bool Configured => Kubeconfig is not null || InCluster || Discover;

    internal void Validate()
    {
        if (Kubeconfig is not null && InCluster)
        {
            throw new ArgumentException("Kubernetes: give either Kubeconfig (--kubeconfig) or InCluster (--in-cluster), not both.");
        }
        if (Context is not null && Kubeconfig is null && !Discover)
        {
            throw new ArgumentException("Kubernetes:Context (--context) needs a kubeconfig (--kubeconfig).");
        }
    }
}
