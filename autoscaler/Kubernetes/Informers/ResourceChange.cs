namespace Observe.Autoscaler.Kubernetes;

/// <summary>A change an informer delivers: <see cref="WatchEventType.Added"/>, <see cref="WatchEventType.Modified"/> or <see cref="WatchEventType.Deleted"/>, never a bookmark.</summary>
public sealed record ResourceChange(WatchEventType Type, ResourceObject Object);
