using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Observe.Autoscaler.Kubernetes;

/// <summary>The TLS side of an endpoint: which server certificates to accept and which client certificate to present.</summary>
internal static class ClusterTrust
{
    public static SocketsHttpHandler Handler(KubernetesEndpoint endpoint)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // The API server's address can move (a Service IP's endpoints); reconnecting now and then follows it.
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        };
        if (endpoint.ClientCertificate is { } client)
        {
            handler.SslOptions.ClientCertificates = [client];
        }
        if (endpoint.InsecureSkipTlsVerify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (endpoint.CertificateAuthority is { } bundle)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Accepts(bundle, certificate as X509Certificate2, errors);
        }
        return handler;
    }

    /// <summary>
    /// The certificate chains to the cluster's CA bundle and nothing else (not the system's roots),
    /// and names the host we called.
    /// </summary>
    public static bool Accepts(X509Certificate2Collection bundle, X509Certificate2? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(bundle);
        // Cluster CAs publish no revocation lists.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
