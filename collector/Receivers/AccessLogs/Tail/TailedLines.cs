namespace Observe.Collector.Receivers.AccessLogs.Tail;

/// <summary>
/// A batch of complete lines read from one followed file. The line bytes live in the tail's
/// reused buffer: they are valid until the delivery that received them completes, so a receiver
/// that keeps them copies them.
/// </summary>
/// <param name="File">The configured file: path, format and reporter identity.</param>
/// <param name="Position">Where reading resumes after these lines, persisted once they are delivered.</param>
internal sealed record TailedLines(TailedFileOptions File, IReadOnlyList<TailedLine> Lines, TailPosition Position);

/// <summary>
/// One line without its "\n" (and without a "\r" before it), as raw bytes: encoding problems are
/// the receiver's to count, not the tail's to repair.
/// </summary>
/// <param name="Offset">The byte offset of the line's start in the file it was read from.</param>
/// <param name="Truncated">The line was longer than AccessLogs:Tail:MaxLineBytes; these are its first bytes.</param>
internal readonly record struct TailedLine(ReadOnlyMemory<byte> Bytes, long Offset, bool Truncated);

/// <summary>An offset in a particular file, named by identity since rotation changes names.</summary>
internal readonly record struct TailPosition(FileIdentity File, long Offset);
