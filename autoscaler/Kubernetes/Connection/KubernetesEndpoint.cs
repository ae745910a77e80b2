using System.Security.Cryptography.X509Certificates;

namespace Observe.Autoscaler.Kubernetes;

/// <summary>
/// Where the API server is and how to prove who we are: what <see cref="KubernetesConnection"/>
/// reads from a kubeconfig or a pod's service account.
/// </summary>
/// <param name="Server">The API server's base address, e.g. <c>https://10.0.0.1:443</c>.</param>
/// <param name="CertificateAuthority">The CA bundle the server's certificate must chain to; null: the system's trust store.</param>
/// <param name="InsecureSkipTlsVerify">Accept any server certificate (kubeconfig's <c>insecure-skip-tls-verify</c>).</param>
/// <param name="Token">A fixed bearer token.</param>
/// <param name="TokenFile">A file holding the bearer token, re-read as it rotates (service account, kubeconfig <c>tokenFile</c>); wins over <paramref name="Token"/>.</param>
/// <param name="ClientCertificate">A client certificate with its private key.</param>
/// <param name="Namespace">The default namespace (the context's, or the service account's own).</param>
public sealed record KubernetesEndpoint(
    Uri Server,
    X509Certificate2Collection? CertificateAuthority = null,
    bool InsecureSkipTlsVerify = false,
    string? Token = null,
    string? TokenFile = null,
    X509Certificate2? ClientCertificate = null,
    string? Namespace = null);
