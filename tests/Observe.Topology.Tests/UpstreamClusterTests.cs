using Observe.Topology.Mesh;

namespace Observe.Topology.Tests;

public sealed class UpstreamClusterTests
{
    [Theory]
    [InlineData("outbound|9080|v2|reviews.default.svc.cluster.local", false, 9080, "v2", "reviews", "default")]
    [InlineData("inbound|9080||", true, 9080, null, null, null)]
    [InlineData("outbound|443||api.stripe.com", false, 443, null, "api.stripe.com", null)]
    public void Istio_cluster_names_give_direction_service_and_namespace(string name, bool inbound, int port, string? subset, string? service, string? ns)
    {
        var cluster = UpstreamCluster.Parse(name)!;
        Assert.Equal((inbound, port, subset, service, ns), (cluster.Inbound, cluster.Port, cluster.Subset, cluster.Service, cluster.Namespace));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("PassthroughCluster")]
    [InlineData("sideways|1|2|3")]
    public void Other_cluster_names_are_not_istio_clusters(string? name) => Assert.Null(UpstreamCluster.Parse(name));
}
