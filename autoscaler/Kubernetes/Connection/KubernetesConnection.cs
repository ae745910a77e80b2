using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Observe.Autoscaler.Kubernetes;

/// <summary>Finds the cluster: from a pod's service account, a kubeconfig file, or whichever of them applies.</summary>
public static class KubernetesConnection
{
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>
    /// The pod's own service account: the API server from <c>KUBERNETES_SERVICE_HOST</c> and
    /// <c>KUBERNETES_SERVICE_PORT</c>, trusting <c>ca.crt</c>, authenticating with <c>token</c> (whose
    /// path is kept, because the kubelet rewrites it as it rotates), in the namespace of <c>namespace</c>.
    /// </summary>
    public static KubernetesEndpoint InCluster(string serviceAccountDirectory = ServiceAccountDirectory)
    {
        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrWhiteSpace(host) || string.IsNullOrWhiteSpace(port))
        {
            throw new KubernetesConfigException("Not running in a Kubernetes pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set for the in-cluster configuration.");
        }
        if (!int.TryParse(port, out var portNumber) || portNumber is < 1 or > 65535)
        {
            throw new KubernetesConfigException($"KUBERNETES_SERVICE_PORT is '{port}', not a TCP port (1-65535).");
        }
        // An IPv6 address is written in brackets inside a URI; a name or IPv4 address as is.
        var authority = System.Net.IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{host}]"
            : host;
        var tokenFile = Path.Combine(serviceAccountDirectory, "token");
        if (!File.Exists(tokenFile))
        {
            throw new KubernetesConfigException($"The service account token '{tokenFile}' does not exist; is a service account token mounted into the pod?");
        }
        var caFile = Path.Combine(serviceAccountDirectory, "ca.crt");
        var namespaceFile = Path.Combine(serviceAccountDirectory, "namespace");
        return new KubernetesEndpoint(
            new Uri($"https://{authority}:{portNumber}"),
            CertificateAuthority: File.Exists(caFile) ? ReadCertificateAuthority(File.ReadAllText(caFile), caFile) : null,
            TokenFile: tokenFile,
            Namespace: File.Exists(namespaceFile) ? File.ReadAllText(namespaceFile).Trim() : null);
    }

    /// <summary>
    /// A kubeconfig file: <paramref name="context"/>, or its <c>current-context</c>, leads to a
    /// cluster (server, CA, insecure-skip-tls-verify) and a user (token, tokenFile, client certificate
    /// and key). Relative file paths are relative to the kubeconfig's directory.
    /// </summary>
    public static KubernetesEndpoint FromKubeconfig(string path, string? context = null) => Kubeconfig.Read(path, context);

    /// <summary>
    /// The connection a command line or a pod means: <paramref name="kubeconfig"/> when given, else the
    /// first file of <c>KUBECONFIG</c>, else the service account when running in a pod, else
    /// <c>~/.kube/config</c>.
    /// </summary>
    public static KubernetesEndpoint Discover(string? kubeconfig = null)
    {
        if (!string.IsNullOrWhiteSpace(kubeconfig))
        {
            return FromKubeconfig(kubeconfig);
        }
        var fromEnvironment = Environment.GetEnvironmentVariable("KUBECONFIG")?
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault();
        if (fromEnvironment is not null)
        {
            return FromKubeconfig(fromEnvironment);
        }
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST")))
        {
            return InCluster();
        }
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        if (File.Exists(home))
        {
            return FromKubeconfig(home);
        }
        throw new KubernetesConfigException(
            $"No Kubernetes cluster configured: pass a kubeconfig path, set KUBECONFIG, run in a pod (KUBERNETES_SERVICE_HOST), or create {home}.");
    }

    internal static X509Certificate2Collection ReadCertificateAuthority(string pem, string source)
    {
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new KubernetesConfigException($"The certificate authority in {source} is not a PEM certificate bundle: {e.Message}", e);
        }
        if (bundle.Count == 0)
        {
            throw new KubernetesConfigException($"The certificate authority in {source} holds no PEM certificate.");
        }
        return bundle;
    }
}
