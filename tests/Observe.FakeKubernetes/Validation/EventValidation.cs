using System.Text.Json.Nodes;
using Observe.FakeKubernetes.Http;
using Observe.FakeKubernetes.Store;

namespace Observe.FakeKubernetes.Validation;

/// <summary>What the API server requires of a new Event: the reporting fields, a MicroTime, a known type.</summary>
internal static class EventValidation
{
    private const int MaxNoteLength = 1024;

    /// <summary><c>events.k8s.io/v1</c>: regarding, reason, action, eventTime, reportingController, reportingInstance and type are required.</summary>
    public static void CheckEventsV1(ResourceType type, string @namespace, string name, JsonObject obj)
    {
        MicroTime.Check("eventTime", obj["eventTime"]);
        var errors = new List<FieldError>();
        if (obj["eventTime"] is null)
        {
            errors.Add(FieldError.Required("eventTime"));
        }
        if (obj["regarding"] is not JsonObject regarding)
        {
            errors.Add(FieldError.Required("regarding"));
        }
        else
        {
            CheckNamespace("regarding.namespace", regarding, @namespace, errors);
        }
        RequireText(obj, "reportingController", errors);
        RequireText(obj, "reportingInstance", errors);
        RequireText(obj, "action", errors);
        RequireText(obj, "reason", errors);
        CheckType(obj, required: true, errors);
        CheckNote((string?)obj["note"], "note", errors);
        if (errors.Count > 0)
        {
            throw ApiError.Invalid(type.KindQualified, type.Ref, name, errors);
        }
    }

    /// <summary>core/v1: involvedObject in the event's namespace; once eventTime is set, the reporting fields too.</summary>
    public static void CheckCoreV1(ResourceType type, string @namespace, string name, JsonObject obj)
    {
        MicroTime.Check("eventTime", obj["eventTime"]);
        var errors = new List<FieldError>();
        if (obj["involvedObject"] is JsonObject involved)
        {
            CheckNamespace("involvedObject.namespace", involved, @namespace, errors);
        }
        else
        {
            errors.Add(FieldError.Required("involvedObject"));
        }
        if (obj["eventTime"] is not null)
        {
            RequireText(obj, "reportingComponent", errors);
            RequireText(obj, "reportingInstance", errors);
            RequireText(obj, "action", errors);
        }
        CheckType(obj, required: false, errors);
        CheckNote((string?)obj["message"], "message", errors);
        if (errors.Count > 0)
        {
            throw ApiError.Invalid(type.Kind, type.Ref, name, errors);
        }
    }

    private static void RequireText(JsonObject obj, string field, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty((string?)obj[field]))
        {
            errors.Add(FieldError.Required(field));
        }
    }

    private static void CheckNamespace(string field, JsonObject reference, string @namespace, List<FieldError> errors)
    {
        var given = (string?)reference["namespace"] ?? "";
        if (given.Length > 0 && given != @namespace)
        {
            errors.Add(FieldError.InvalidValue(field, $"\"{given}\"", "does not match event.namespace"));
        }
    }

    private static void CheckType(JsonObject obj, bool required, List<FieldError> errors)
    {
        var value = (string?)obj["type"] ?? "";
        if (value.Length == 0 && !required)
        {
            return;
        }
        if (value is not ("Normal" or "Warning"))
        {
            errors.Add(FieldError.NotSupported("type", value, "Normal", "Warning"));
        }
    }

    private static void CheckNote(string? note, string field, List<FieldError> errors)
    {
        if (note is { Length: > MaxNoteLength })
        {
            errors.Add(new FieldError(field, "FieldValueTooLong", $"Too long: may not be more than {MaxNoteLength} bytes"));
        }
    }
}
