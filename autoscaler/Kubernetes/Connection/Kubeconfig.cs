using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Observe.Autoscaler.Kubernetes;

/// <summary>Reads the one context of a kubeconfig file that the connection needs.</summary>
internal static class Kubeconfig
{
    private const string Supported = "supported: token, tokenFile, client-certificate(-data) with client-key(-data)";

    public static KubernetesEndpoint Read(string path, string? contextName)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new KubernetesConfigException($"The kubeconfig '{full}' does not exist.");
        }
        var directory = Path.GetDirectoryName(full)!;
        var root = Load(full);

        contextName ??= Scalar(root, "current-context");
        if (string.IsNullOrEmpty(contextName))
        {
            throw new KubernetesConfigException($"{full}: no context given and no current-context set.");
        }
        var context = Named(root, "contexts", contextName, "context", full);
        var clusterName = Scalar(context, "cluster")
            ?? throw new KubernetesConfigException($"{full}: context '{contextName}' names no cluster.");
        var userName = Scalar(context, "user");
        var cluster = Named(root, "clusters", clusterName, "cluster", full);
        var user = userName is null ? null : Named(root, "users", userName, "user", full);

        var server = Scalar(cluster, "server")
            ?? throw new KubernetesConfigException($"{full}: cluster '{clusterName}' has no server.");
        if (!Uri.TryCreate(server, UriKind.Absolute, out var serverUri) || serverUri.Scheme is not ("https" or "http"))
        {
            throw new KubernetesConfigException($"{full}: cluster '{clusterName}' server '{server}' is not an http(s) URL.");
        }

        var ca = Pem(cluster, "certificate-authority", directory, full, $"cluster '{clusterName}'");
        var endpoint = new KubernetesEndpoint(
            serverUri,
            CertificateAuthority: ca is null ? null : KubernetesConnection.ReadCertificateAuthority(ca, $"{full} cluster '{clusterName}'"),
            InsecureSkipTlsVerify: string.Equals(Scalar(cluster, "insecure-skip-tls-verify"), "true", StringComparison.OrdinalIgnoreCase),
            Namespace: Scalar(context, "namespace"));
        return user is null ? endpoint : WithUser(endpoint, user, userName!, directory, full);
    }

    private static KubernetesEndpoint WithUser(KubernetesEndpoint endpoint, YamlMappingNode user, string name, string directory, string file)
    {
        foreach (var (field, kind) in new[] { ("exec", "exec (a credential plugin)"), ("auth-provider", "auth-provider"), ("username", "username/password (basic auth)"), ("password", "username/password (basic auth)") })
        {
            if (user.Children.ContainsKey(field))
            {
                throw new KubernetesConfigException($"{file}: user '{name}' authenticates with {kind}, which Observe does not support; {Supported}.");
            }
        }
        var tokenFile = Scalar(user, "tokenFile");
        var certificate = Pem(user, "client-certificate", directory, file, $"user '{name}'");
        var key = Pem(user, "client-key", directory, file, $"user '{name}'");
        if ((certificate is null) != (key is null))
        {
            throw new KubernetesConfigException($"{file}: user '{name}' has a client {(certificate is null ? "key" : "certificate")} without a client {(certificate is null ? "certificate" : "key")}; both are needed.");
        }
        X509Certificate2? client = null;
        if (certificate is not null)
        {
            try
            {
                client = X509Certificate2.CreateFromPem(certificate, key);
            }
            catch (CryptographicException e)
            {
                throw new KubernetesConfigException($"{file}: user '{name}' client certificate and key are not a matching PEM pair: {e.Message}", e);
            }
        }
        return endpoint with
        {
            Token = Scalar(user, "token"),
            TokenFile = tokenFile is null ? null : Path.Combine(directory, tokenFile),
            ClientCertificate = client,
        };
    }

    /// <summary>PEM text from <c>{key}-data</c> (base64) or from the file <c>{key}</c> names.</summary>
    private static string? Pem(YamlMappingNode node, string key, string directory, string file, string owner)
    {
        if (Scalar(node, key + "-data") is { } data)
        {
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(data));
            }
            catch (FormatException e)
            {
                throw new KubernetesConfigException($"{file}: {owner} {key}-data is not base64.", e);
            }
        }
        if (Scalar(node, key) is not { } path)
        {
            return null;
        }
        var full = Path.Combine(directory, path);
        if (!File.Exists(full))
        {
            throw new KubernetesConfigException($"{file}: {owner} {key} '{full}' does not exist.");
        }
        return File.ReadAllText(full);
    }

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(file);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new KubernetesConfigException($"{file}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.Message}", e);
        }
        return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw new KubernetesConfigException($"{file}: not a kubeconfig (expected a mapping with clusters, contexts and users).");
    }

    /// <summary>The <paramref name="field"/> mapping of the entry called <paramref name="name"/> in the list <paramref name="list"/>.</summary>
    private static YamlMappingNode Named(YamlMappingNode root, string list, string name, string field, string file)
    {
        if (root.Children.TryGetValue(list, out var node) && node is YamlSequenceNode entries)
        {
            foreach (var entry in entries.OfType<YamlMappingNode>())
            {
                if (Scalar(entry, "name") == name)
                {
                    return entry.Children.TryGetValue(field, out var value) && value is YamlMappingNode mapping
                        ? mapping
                        : new YamlMappingNode();
                }
            }
        }
        throw new KubernetesConfigException($"{file}: {field} '{name}' is not in {list}.");
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlScalarNode { Value: { Length: > 0 } text } ? text : null;
}
