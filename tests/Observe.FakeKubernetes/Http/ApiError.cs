using System.Text.Json.Nodes;

namespace Observe.FakeKubernetes.Http;

/// <summary>
/// An error answer, thrown anywhere in a handler and written once as a <c>Status</c> body with the
/// HTTP code, reason and message shapes the real API server uses.
/// </summary>
internal sealed class ApiError(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public JsonObject? Details { get; } = details;

    public TimeSpan? RetryAfter { get; init; }

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null)
        {
            status["details"] = Details.DeepClone();
        }
        status["code"] = Code;
        return status;
    }

    public static ApiError NotFound(ResourceTypeRef type, string name) =>
        new(404, "NotFound", $"{type.Qualified} \"{name}\" not found", type.Details(name));

    public static ApiError AlreadyExists(ResourceTypeRef type, string name) =>
        new(409, "AlreadyExists", $"{type.Qualified} \"{name}\" already exists", type.Details(name));

    public static ApiError Conflict(ResourceTypeRef type, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {type.Qualified} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            type.Details(name));

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    /// <summary>422 with one cause per field, the message listing them as the server does.</summary>
    public static ApiError Invalid(string kindQualified, ResourceTypeRef type, string name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray();
        foreach (var error in errors)
        {
            causes.Add(new JsonObject { ["reason"] = error.Reason, ["message"] = error.Detail, ["field"] = error.Field });
        }
        var details = type.Details(name);
        details["causes"] = causes;
        var listed = errors.Count == 1
            ? errors[0].ToString()
            : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";
        return new ApiError(422, "Invalid", $"{kindQualified} \"{name}\" is invalid: {listed}", details);
    }
}

/// <summary>A resource's names as error messages spell them: <c>deployments.apps</c>, <c>pods</c>.</summary>
internal sealed record ResourceTypeRef(string Group, string Plural)
{
    public string Qualified => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public JsonObject Details(string name)
    {
        var details = new JsonObject { ["name"] = name };
        if (Group.Length > 0)
        {
            details["group"] = Group;
        }
        details["kind"] = Plural;
        return details;
    }
}

/// <summary>A validation failure of one field, worded like the API server's field errors.</summary>
internal sealed record FieldError(string Field, string Reason, string Detail)
{
    public static FieldError Required(string field) => new(field, "FieldValueRequired", "Required value");

    public static FieldError NotSupported(string field, string value, params string[] supported) =>
        new(field, "FieldValueNotSupported",
            $"Unsupported value: \"{value}\": supported values: {string.Join(", ", supported.Select(s => $"\"{s}\""))}");

    public static FieldError InvalidValue(string field, string value, string why) =>
        new(field, "FieldValueInvalid", $"Invalid value: {value}: {why}");

    public override string ToString() => $"{Field}: {Detail}";
}
