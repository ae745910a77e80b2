namespace Observe.FakeKubernetes;

/// <summary>One request the fake answered, for tests that check what a client sent (and how often).</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, string? ContentType, int StatusCode);
