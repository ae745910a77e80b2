using System.Diagnostics;

namespace Observe.Store.Tests.Http;

/// <summary>
/// Debian's clickhouse-server (18.16), started on free loopback ports with a user that needs a
/// password. Too old for Observe's schema (no Map, no DateTime64), fine for the HTTP protocol.
/// <c>./observe test</c> installs the package.
/// </summary>
public sealed class ClickHouseServer : IAsyncLifetime
{
    private const string Binary = "/usr/sbin/clickhouse-server";
    public const string User = "observe";
    public const string Password = "s3cret";
    private Process? _process;
    private string _directory = "";

    public string Url { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: './observe test' installs Debian's clickhouse-server.");
        }
        _directory = Directory.CreateTempSubdirectory("observe-clickhouse-").FullName;
        int http = Loopback.FreePort(), tcp = Loopback.FreePort();
        await File.WriteAllTextAsync(Path.Combine(_directory, "config.xml"), $"""
            <?xml version="1.0"?>
            <yandex>
              <logger><level>warning</level><console>1</console></logger>
              <http_port>{http}</http_port>
              <tcp_port>{tcp}</tcp_port>
              <listen_host>127.0.0.1</listen_host>
              <path>{_directory}/data/</path>
              <tmp_path>{_directory}/tmp/</tmp_path>
              <users_config>users.xml</users_config>
              <default_profile>default</default_profile>
              <default_database>default</default_database>
              <mark_cache_size>268435456</mark_cache_size>
            </yandex>
            """);
        await File.WriteAllTextAsync(Path.Combine(_directory, "users.xml"), $"""
            <?xml version="1.0"?>
            <yandex>
              <profiles><default></default></profiles>
              <users>
                <{User}>
                  <password>{Password}</password>
                  <networks><ip>127.0.0.1</ip></networks>
                  <profile>default</profile>
                  <quota>default</quota>
                </{User}>
              </users>
              <quotas><default></default></quotas>
            </yandex>
            """);
        var start = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add($"--config-file={_directory}/config.xml");
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Url = $"http://127.0.0.1:{http}";
        using var client = new HttpClient();
        var up = await Loopback.EventuallyAsync(async () =>
        {
            try
            {
                return (await client.GetStringAsync($"{Url}/ping")).StartsWith("Ok.", StringComparison.Ordinal);
            }
            catch (HttpRequestException)
            {
                return _process.HasExited;
            }
        }, TimeSpan.FromSeconds(30));
        if (!up || _process.HasExited)
        {
            throw new InvalidOperationException($"clickhouse-server did not come up on {Url}");
        }
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process?.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
