using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;

namespace Observe.Collector.Api;

/// <summary>Where the web UI's built files are. Section <c>Ui</c>.</summary>
public sealed class UiOptions
{
    /// <summary>The folder of the built UI (ui/dist); default the <c>wwwroot</c> folder the build copies next to the binary.</summary>
    public string? Directory { get; set; }

    internal string Resolve() => Path.GetFullPath(Directory ?? Path.Combine(AppContext.BaseDirectory, "wwwroot"));
}

/// <summary>
/// Serves the web UI on the API port: <c>/</c> is the page (its whole state is in the query
/// string, so no other path needs it) and <c>/assets/…</c> the files Vite names by content hash,
/// which therefore never change and are cached for a year.
/// </summary>
internal sealed class UiFiles(UiOptions options)
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private readonly string _root = options.Resolve();

    public void Map(RouteGroupBuilder group)
    {
        group.MapGet("/", Page);
        group.MapGet("/index.html", Page);
        group.MapGet("/assets/{**file}", Asset);
    }

    private IResult Page(HttpContext context)
    {
        var index = Path.Combine(_root, "index.html");
        if (!File.Exists(index))
        {
            return Results.Text(
                $"The web UI is not built: {index} is missing. `./observe up` builds it (npm run build in ui/), or set Ui:Directory to a built ui/dist.\n",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        context.Response.Headers.CacheControl = "no-cache";
        return Results.File(index, "text/html; charset=utf-8");
    }

    private IResult Asset(string file, HttpContext context)
    {
        var assets = Path.Combine(_root, "assets") + Path.DirectorySeparatorChar;
        var path = Path.GetFullPath(Path.Combine(assets, file));
        // A path that climbs out of assets/ (../) is treated like any other missing file.
        if (!path.StartsWith(assets, StringComparison.Ordinal) || !File.Exists(path))
        {
            return ApiError.Answer(404, $"no UI asset '{ApiError.Quote(file)}'");
        }
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return Results.File(path, ContentTypes.TryGetContentType(path, out var type) ? type : "application/octet-stream");
    }
}
