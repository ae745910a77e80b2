using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Observe.Autoscaler.Kubernetes;

namespace Observe.Autoscaler.Tests.Kubernetes;

/// <summary>Kubeconfig and service-account configuration; environment variables are process-wide, so these run one at a time.</summary>
[Collection(nameof(KubernetesConnectionTests))]
public sealed class KubernetesConnectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("observe-kube-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (string CertPem, string KeyPem) SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static string B64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));

    private string Kubeconfig(string user, string cluster = "server: https://k8s.test:6443", string current = "dev")
    {
        var path = Path.Combine(_dir, "config");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            current-context: {current}
            clusters:
            - name: dev-cluster
              cluster:
                {cluster}
            contexts:
            - name: dev
              context:
                cluster: dev-cluster
                user: dev-user
                namespace: shop
            users:
            - name: dev-user
              user:
                {user}
            """);
        return path;
    }

    [Fact]
    public void Token_user_of_the_current_context()
    {
        var endpoint = KubernetesConnection.FromKubeconfig(Kubeconfig("token: abc123"));

        Assert.Equal((new Uri("https://k8s.test:6443"), "abc123", "shop"), (endpoint.Server, endpoint.Token, endpoint.Namespace));
    }

    [Fact]
    public void Client_certificate_and_CA_data_are_read_from_base64_PEM()
    {
        var (caPem, _) = SelfSigned("cluster-ca");
        var (certPem, keyPem) = SelfSigned("observe");
        var endpoint = KubernetesConnection.FromKubeconfig(Kubeconfig(
            $"client-certificate-data: {B64(certPem)}\n    client-key-data: {B64(keyPem)}",
            $"server: https://k8s.test:6443\n    certificate-authority-data: {B64(caPem)}"));

        Assert.Equal("CN=observe", endpoint.ClientCertificate!.Subject);
        Assert.True(endpoint.ClientCertificate.HasPrivateKey);
        Assert.Equal("CN=cluster-ca", Assert.Single(endpoint.CertificateAuthority!).Subject);
    }

    [Fact]
    public void Relative_file_paths_are_relative_to_the_kubeconfig()
    {
        var (caPem, _) = SelfSigned("cluster-ca");
        var (certPem, keyPem) = SelfSigned("observe");
        Directory.CreateDirectory(Path.Combine(_dir, "pki"));
        File.WriteAllText(Path.Combine(_dir, "pki", "ca.crt"), caPem);
        File.WriteAllText(Path.Combine(_dir, "pki", "me.crt"), certPem);
        File.WriteAllText(Path.Combine(_dir, "pki", "me.key"), keyPem);
        File.WriteAllText(Path.Combine(_dir, "pki", "token"), "from-file");

        var endpoint = KubernetesConnection.FromKubeconfig(Kubeconfig(
            "client-certificate: pki/me.crt\n    client-key: pki/me.key\n    tokenFile: pki/token",
            "server: https://k8s.test:6443\n    certificate-authority: pki/ca.crt"));

        Assert.Equal("CN=cluster-ca", endpoint.CertificateAuthority![0].Subject);
        Assert.Equal("CN=observe", endpoint.ClientCertificate!.Subject);
        Assert.Equal(Path.Combine(_dir, "pki", "token"), endpoint.TokenFile);
    }

    [Fact]
    public void A_missing_context_is_named()
    {
        var error = Assert.Throws<KubernetesConfigException>(() => KubernetesConnection.FromKubeconfig(Kubeconfig("token: x"), "prod"));

        Assert.Contains("context 'prod' is not in contexts", error.Message);
    }

    [Fact]
    public void Exec_auth_is_refused_naming_the_user_the_kind_and_what_is_supported()
    {
        var error = Assert.Throws<KubernetesConfigException>(() => KubernetesConnection.FromKubeconfig(Kubeconfig("exec:\n      command: aws")));

        Assert.Contains("user 'dev-user'", error.Message);
        Assert.Contains("exec", error.Message);
        Assert.Contains("supported: token, tokenFile, client-certificate", error.Message);
    }

    [Fact]
    public void In_cluster_reads_the_service_account_and_brackets_an_IPv6_host()
    {
        var (caPem, _) = SelfSigned("cluster-ca");
        File.WriteAllText(Path.Combine(_dir, "ca.crt"), caPem);
        File.WriteAllText(Path.Combine(_dir, "token"), "sa-token");
        File.WriteAllText(Path.Combine(_dir, "namespace"), "observe\n");
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", "fd00::1");
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", "443");
        try
        {
            var endpoint = KubernetesConnection.InCluster(_dir);

            Assert.Equal(new Uri("https://[fd00::1]:443"), endpoint.Server);
            Assert.Equal((Path.Combine(_dir, "token"), "observe"), (endpoint.TokenFile, endpoint.Namespace));
            Assert.Equal("CN=cluster-ca", endpoint.CertificateAuthority![0].Subject);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", null);
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", null);
        }
    }

    [Fact]
    public void A_rotated_service_account_token_is_picked_up_within_a_minute()
    {
        var file = Path.Combine(_dir, "token");
        File.WriteAllText(file, "first");
        var time = new ManualTime();
        var token = new BearerToken(null, file, time);
        Assert.Equal("first", token.Current);

        File.WriteAllText(file, "second");
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("first", token.Current);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("second", token.Current);
    }

    [Fact]
    public void The_cluster_CA_is_the_only_root_trusted()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=cluster-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var server = new CertificateRequest("CN=k8s.test", serverKey, HashAlgorithmName.SHA256)
            .Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), [1, 2, 3]);
        var (otherPem, _) = SelfSigned("other-ca");

        Assert.True(ClusterTrust.Accepts([X509Certificate2.CreateFromPem(ca.ExportCertificatePem())], server, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(ClusterTrust.Accepts([X509Certificate2.CreateFromPem(otherPem)], server, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(ClusterTrust.Accepts([X509Certificate2.CreateFromPem(ca.ExportCertificatePem())], server, System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch));
    }
}
