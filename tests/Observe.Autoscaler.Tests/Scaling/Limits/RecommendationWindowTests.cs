using FsCheck;
using FsCheck.Fluent;
using Observe.Autoscaler.Scaling.Limits;
using static Observe.Autoscaler.Tests.Scaling.ScalingFixtures;

namespace Observe.Autoscaler.Tests.Scaling.Limits;

public sealed class RecommendationWindowTests
{
    [Fact]
    public void The_window_answers_the_highest_recommendation_of_the_trailing_window()
    {
        var sequences =
            from window in Gen.Choose(0, 12)
            from values in Gen.ArrayOf(Gen.Choose(0, 40), 100)
            from gaps in Gen.ArrayOf(Gen.Choose(1, 3), 100)
            select (Window: Tick * window, Values: values, Gaps: gaps);
        Prop.ForAll(Arb.From(sequences), s =>
        {
            var stabilisation = new RecommendationWindow(s.Window);
            var at = Start;
            var seen = new List<(DateTimeOffset At, int Value)>();
            for (var i = 0; i < s.Values.Length; i++)
            {
                at += Tick * s.Gaps[i];
                seen.Add((at, s.Values[i]));
                var expected = seen.Where(x => at - x.At <= s.Window).Max(x => x.Value);
                if (stabilisation.Add(at, s.Values[i]) != expected)
                {
                    return false;
                }
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }
}
