using System.Text.Json.Nodes;
using Observe.FakeKubernetes.Http;
using Observe.FakeKubernetes.Store;

namespace Observe.FakeKubernetes.Validation;

/// <summary>
/// The Lease fields the server checks. It does not check expiry: holders and contenders judge
/// renewTime + leaseDurationSeconds themselves; the server only enforces concurrency.
/// </summary>
internal static class LeaseValidation
{
    public static void Check(ResourceType type, string name, JsonObject lease)
    {
        var spec = lease["spec"] as JsonObject;
        MicroTime.Check("spec.acquireTime", spec?["acquireTime"]);
        MicroTime.Check("spec.renewTime", spec?["renewTime"]);
        Integer("spec.leaseDurationSeconds", spec?["leaseDurationSeconds"]);
        Integer("spec.leaseTransitions", spec?["leaseTransitions"]);
        var errors = new List<FieldError>();
        if (spec?["leaseDurationSeconds"] is { } duration && (int)duration <= 0)
        {
            errors.Add(FieldError.InvalidValue("spec.leaseDurationSeconds", duration.ToJsonString(), "must be greater than 0"));
        }
        if (spec?["leaseTransitions"] is { } transitions && (int)transitions < 0)
        {
            errors.Add(FieldError.InvalidValue("spec.leaseTransitions", transitions.ToJsonString(), "must be greater than or equal to 0"));
        }
        if (errors.Count > 0)
        {
            throw ApiError.Invalid(type.KindQualified, type.Ref, name, errors);
        }
    }

    private static void Integer(string field, JsonNode? value)
    {
        if (value is not null && (value.GetValueKind() != System.Text.Json.JsonValueKind.Number || !value.AsValue().TryGetValue<int>(out _)))
        {
            throw ApiError.BadRequest($"Lease in version \"v1\" cannot be handled as a Lease: {field}: expected an int32, got {value.ToJsonString()}");
        }
    }
}
