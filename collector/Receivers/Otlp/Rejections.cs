using System.Text;

namespace Observe.Collector.Receivers.Otlp;

/// <summary>
/// Items of one request that cannot be stored, with the first few reasons and where they are, for
/// the partial-success answer: the rest of the request is still committed.
/// </summary>
internal sealed class Rejections(string itemName)
{
    private const int MaxExamples = 5;
    private readonly List<string> _examples = [];

    public long Count { get; private set; }

    public void Add(string path, string reason)
    {
        Count++;
        if (_examples.Count < MaxExamples)
        {
            _examples.Add($"{path}: {reason}");
        }
    }

    /// <summary>Null when nothing was rejected, as OTLP's partial success wants an empty message then.</summary>
    public string? Message()
    {
        if (Count == 0)
        {
            return null;
        }
        var message = new StringBuilder().Append(Count).Append(' ').Append(itemName).Append(Count == 1 ? "" : "s").Append(" rejected: ");
        message.AppendJoin("; ", _examples);
        if (Count > _examples.Count)
        {
            message.Append("; and ").Append(Count - _examples.Count).Append(" more");
        }
        return message.ToString();
    }
}
