using Observe.Autoscaler.Slo;

namespace Observe.Autoscaler.Scaling.Reading;

/// <summary>
/// The value of every <c>ScalingPolicy</c> field a document leaves out, and the limits a written
/// value must keep. The reader, the README's table and the commented example all state these; this
/// is the one place they come from.
/// </summary>
internal static class ScalingPolicyDefaults
{
    public const string TargetApiVersion = "apps/v1";

    /// <summary>Built-in kinds with a <c>/scale</c> subresource; a custom resource may have one too, so another kind is only a warning.</summary>
    public static readonly string[] ScalableKinds = ["Deployment", "StatefulSet", "ReplicaSet"];

    public const int MinReplicas = 1;
    public const ScalingMode Mode = ScalingMode.Enforce;
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(15);

    /// <summary>A decision older than a few minutes acts on a workload that has moved on.</summary>
    public static readonly TimeSpan MaxTick = TimeSpan.FromMinutes(5);

    public static PodStartup Startup { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.Zero, 0.5);

    // Knative's panic mode triggers at twice the stable figure over 60 s; its short window is 6 s,
    // longer here so that a window still holds several samples when one arrives late.
    public static BurstSettings Burst { get; } = new(2.0, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));

    // The HPA's default scale-up: the larger of doubling and four pods, every 15 s.
    public static ScaleUpSettings ScaleUp { get; } = new(100, 4, TimeSpan.FromSeconds(15));

    // The HPA waits 300 s; a scaler that scales up ahead of demand need not hold replicas as long.
    public static ScaleDownSettings ScaleDown { get; } = new(TimeSpan.FromSeconds(180), 20, 2, TimeSpan.FromSeconds(60));

    public static PredictionSettings Prediction { get; } = new(true, null, TimeSpan.FromMinutes(5), Daily: true, Weekly: true, MinSeasons: 2);

    public static HeadroomSettings Headroom { get; } = new(0.05, 0.5);

    /// <summary>Above four times the need, headroom stops being a margin and becomes a fixed over-provisioning.</summary>
    public const double MaxHeadroom = 4;
}
