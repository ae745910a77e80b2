using System.Text.Json.Nodes;

namespace Observe.FakeKubernetes.Store;

/// <summary>One write as a watch reports it: ADDED, MODIFIED or DELETED, and the object after it.</summary>
internal sealed record Change(ResourceType Type, string Namespace, string EventType, JsonObject Object, long Revision);
