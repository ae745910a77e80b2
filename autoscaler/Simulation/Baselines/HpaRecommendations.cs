namespace Observe.Autoscaler.Simulation.Baselines;

/// <summary>
/// The HPA's history of unstabilised recommendations and the stabilisation windows over it
/// (<c>recordInitialRecommendation</c> and <c>stabilizeRecommendationWithBehaviors</c> in
/// <c>horizontal.go</c>). A recommendation counts while it is strictly younger than the window.
/// </summary>
internal sealed class HpaRecommendations
{
    private readonly List<(int Replicas, DateTimeOffset At)> history = [];

    /// <summary>
    /// The controller seeds the history with the current count the first time it sees the HPA, so
    /// the first scale-down waits a whole window even when the metric asked for it from the start.
    /// </summary>
    public void RecordInitial(int currentReplicas, DateTimeOffset now)
    {
        if (history.Count == 0)
            history.Add((currentReplicas, now));
    }

    /// <summary>
    /// Moves the current count towards <paramref name="desired"/> no further than the lowest
    /// recommendation of the scale-up window and the highest of the scale-down window allow, then
    /// records <paramref name="desired"/>.
    /// </summary>
    public HpaStabilised Stabilise(int currentReplicas, int desired, TimeSpan upWindow, TimeSpan downWindow, DateTimeOffset now)
    {
        var upCutoff = now - upWindow;
        var downCutoff = now - downWindow;
        var lowest = desired;
        var highest = desired;
        var oldIndex = -1;
        for (var i = 0; i < history.Count; i++)
        {
            var (replicas, at) = history[i];
            if (at > upCutoff)
                lowest = Math.Min(lowest, replicas);
            if (at > downCutoff)
                highest = Math.Max(highest, replicas);
            if (at < upCutoff && at < downCutoff)
                oldIndex = i;
        }

        var stabilised = currentReplicas;
        if (stabilised < lowest)
            stabilised = lowest;
        if (stabilised > highest)
            stabilised = highest;

        // Like the controller, reuse one slot that fell out of both windows rather than grow the list.
        if (oldIndex >= 0)
            history[oldIndex] = (desired, now);
        else
            history.Add((desired, now));
        return new HpaStabilised(stabilised, lowest, highest);
    }
}

/// <param name="Replicas">The stabilised recommendation.</param>
/// <param name="LowestInUpWindow">Lowest recommendation in the scale-up window, the new one included.</param>
/// <param name="HighestInDownWindow">Highest recommendation in the scale-down window, the new one included.</param>
internal readonly record struct HpaStabilised(int Replicas, int LowestInUpWindow, int HighestInDownWindow);
