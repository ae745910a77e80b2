using Observe.FakeKubernetes.Http;

namespace Observe.FakeKubernetes.Validation;

/// <summary>Field errors shared by several kinds' validation.</summary>
internal static class FieldErrorFor
{
    public static FieldError Negative(string field, long value) =>
        FieldError.InvalidValue(field, value.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be greater than or equal to 0");
}
