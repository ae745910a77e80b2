using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Observe.Collector.Receivers.AccessLogs.Tail;

/// <summary>Which file a name or handle refers to: rotation renames or replaces names, the inode stays with the content.</summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    public override string ToString() => $"device {Device}, inode {Inode}";
}

internal readonly record struct FileStatus(FileIdentity Identity, long Length);

/// <summary>
/// stat(2) and fstat(2), for the device and inode .NET does not expose. glibc exports both
/// symbols since 2.33 (Debian 12 has 2.36); older versions only had __xstat. The fields used sit
/// at the same offsets in the x86_64 and aarch64 layouts: st_dev at 0, st_ino at 8, st_size at 48.
/// </summary>
internal static unsafe partial class FileStat
{
    private const string Libc = "libc.so.6";
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    // struct stat is 144 bytes on x86_64 and 128 on aarch64; the rest is headroom.
    private const int BufferSize = 256;

    /// <summary>The file <paramref name="path"/> names now (following symlinks), or null when there is none.</summary>
    public static FileStatus? Of(string path)
    {
        EnsureSupported();
        var buffer = stackalloc byte[BufferSize];
        if (Stat(path, buffer) == 0)
        {
            return Read(buffer);
        }
        var errno = Marshal.GetLastPInvokeError();
        if (errno is ENOENT or ENOTDIR)
        {
            return null;
        }
        throw new IOException($"stat {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    /// <summary>The file an open handle reads, whatever its name is now.</summary>
    public static FileStatus Of(SafeFileHandle handle, string nameForErrors)
    {
        EnsureSupported();
        var buffer = stackalloc byte[BufferSize];
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (FStat((int)handle.DangerousGetHandle(), buffer) == 0)
            {
                return Read(buffer);
            }
            throw new IOException($"fstat {nameForErrors}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static FileStatus Read(byte* buffer) =>
        new(new FileIdentity(*(ulong*)buffer, *(ulong*)(buffer + 8)), *(long*)(buffer + 48));

    private static void EnsureSupported()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            throw new PlatformNotSupportedException(
                $"Tailing access-log files needs Linux on x64 or arm64 (glibc), not {RuntimeInformation.OSDescription} on {RuntimeInformation.ProcessArchitecture}.");
        }
    }

    [LibraryImport(Libc, EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, byte* buffer);

    [LibraryImport(Libc, EntryPoint = "fstat", SetLastError = true)]
    private static partial int FStat(int fd, byte* buffer);
}
