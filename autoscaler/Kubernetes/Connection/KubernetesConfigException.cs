namespace Observe.Autoscaler.Kubernetes;

/// <summary>The cluster connection could not be configured: a kubeconfig or service account that is missing, malformed or asks for an unsupported kind of authentication.</summary>
public sealed class KubernetesConfigException(string message, Exception? inner = null) : Exception(message, inner);
