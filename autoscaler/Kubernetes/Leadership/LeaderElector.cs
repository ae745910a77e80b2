using Microsoft.Extensions.Logging;

namespace Observe.Autoscaler.Kubernetes;

/// <summary>
/// One leader among replicas, as client-go elects it: candidates try every retry period to take a
/// Lease that is free or expired; the holder renews it every retry period and stops leading when it
/// could not renew within the renew deadline. Expiry is judged by our own clock since we last saw
/// the lease record change, never by comparing our clock with the holder's renewTime, so clock skew
/// between replicas does not matter.
/// </summary>
internal sealed class LeaderElector(IKubernetesApi api, LeaseSettings settings, TimeProvider time, ILogger logger)
{
    private Lease? _observed;
    private DateTimeOffset _observedAt;
    private volatile bool _leading;
    private volatile string? _leader;

    public bool IsLeader => _leading;

    /// <summary>The lease's holder as last observed; null when free or not yet read.</summary>
    public string? Leader => _leader;

    /// <summary>
    /// Campaigns, and while leading runs <paramref name="lead"/> with a token cancelled when the
    /// leadership is lost (then campaigns again). Ends when <paramref name="cancellationToken"/> is
    /// cancelled, or when <paramref name="lead"/> returns or throws on its own; either way the lease
    /// is released so that a successor takes over at once.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken cancellationToken)
    {
        settings.Validate();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!await TryAcquireAsync(cancellationToken))
            {
                await Wait(settings.RetryPeriod, cancellationToken);
                continue;
            }
            _leading = true;
            logger.LogInformation("{Identity} leads (lease {Namespace}/{Name})", settings.Identity, settings.Namespace, settings.Name);
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Run apart, so that a lead that blocks before its first await does not block renewals.
            var work = Task.Run(() => lead(leading.Token), CancellationToken.None);
            var lost = await RenewWhileLeadingAsync(work, cancellationToken);
            await leading.CancelAsync();
            _leading = false;
            try
            {
                await work;
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
            }
            catch
            {
                await ReleaseAsync();
                throw;
            }
            if (!lost)
            {
                await ReleaseAsync();
                return;
            }
            logger.LogWarning("{Identity} lost the lease {Namespace}/{Name}; campaigning again", settings.Identity, settings.Namespace, settings.Name);
        }
    }

    /// <summary>Renews every retry period; true when the leadership was lost, false when the lead ended or we were cancelled.</summary>
    private async Task<bool> RenewWhileLeadingAsync(Task work, CancellationToken cancellationToken)
    {
        var renewed = time.GetUtcNow();
        while (true)
        {
            var tick = Task.Delay(settings.RetryPeriod, time, cancellationToken);
            if (await Task.WhenAny(tick, work) == work || cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            var remaining = renewed + settings.RenewDeadline - time.GetUtcNow();
            if (remaining > TimeSpan.Zero)
            {
                // A renewal that outlasts the deadline is as good as a failed one.
                using var deadline = new CancellationTokenSource(remaining, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
                if (await TryAcquireAsync(linked.Token))
                {
                    renewed = time.GetUtcNow();
                    continue;
                }
            }
            if (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            if (_leader is { } holder && holder != settings.Identity)
            {
                return true;
            }
            if (time.GetUtcNow() - renewed >= settings.RenewDeadline)
            {
                return true;
            }
        }
    }

    /// <summary>One try to take or renew the lease; false (never an exception) when it did not work.</summary>
    private async Task<bool> TryAcquireAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await TryAcquireOrRenewAsync(cancellationToken);
        }
        catch (KubernetesConflictException)
        {
            // Someone wrote the lease between our read and our write: they won this round.
            return false;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is KubernetesApiException or HttpRequestException or TimeoutException)
        {
            logger.LogWarning("Lease {Namespace}/{Name}: {Message}", settings.Namespace, settings.Name, e.Message);
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = await api.GetLeaseAsync(settings.Namespace, settings.Name, cancellationToken);
        if (current is null)
        {
            var fresh = new Lease(new ObjectMeta(settings.Name, settings.Namespace), settings.Identity, settings.LeaseDurationSeconds, now, now, 0);
            Observe(await api.CreateLeaseAsync(fresh, cancellationToken));
            return true;
        }
        if (_observed is null || !SameRecord(_observed, current))
        {
            _observed = current;
            _observedAt = now;
        }
        _leader = current.HolderIdentity;
        var ours = current.HolderIdentity == settings.Identity;
        if (!ours && current.HolderIdentity is not null && _observedAt + TimeSpan.FromSeconds(current.LeaseDurationSeconds) > now)
        {
            return false;
        }
        var next = current with
        {
            HolderIdentity = settings.Identity,
            LeaseDurationSeconds = settings.LeaseDurationSeconds,
            AcquireTime = ours ? current.AcquireTime : now,
            RenewTime = now,
            LeaseTransitions = ours ? current.LeaseTransitions : current.LeaseTransitions + 1,
        };
        Observe(await api.ReplaceLeaseAsync(next, cancellationToken));
        return true;
    }

    /// <summary>Gives the lease up (no holder, expired now) so that a successor need not wait out the lease duration.</summary>
    private async Task ReleaseAsync()
    {
        if (_observed is not { } mine || mine.HolderIdentity != settings.Identity)
        {
            return;
        }
        using var deadline = new CancellationTokenSource(settings.RenewDeadline, time);
        try
        {
            var released = mine with { HolderIdentity = null, LeaseDurationSeconds = 1, RenewTime = time.GetUtcNow() };
            Observe(await api.ReplaceLeaseAsync(released, deadline.Token));
            logger.LogInformation("{Identity} released the lease {Namespace}/{Name}", settings.Identity, settings.Namespace, settings.Name);
        }
        catch (Exception e) when (e is KubernetesApiException or HttpRequestException or TimeoutException or OperationCanceledException)
        {
            // Others take over after the lease duration instead.
            logger.LogWarning("{Identity} could not release the lease {Namespace}/{Name}: {Message}", settings.Identity, settings.Namespace, settings.Name, e.Message);
        }
    }

    private void Observe(Lease lease)
    {
        _observed = lease;
        _observedAt = time.GetUtcNow();
        _leader = lease.HolderIdentity;
    }

    /// <summary>The same record (holder, times, transitions), whatever its resourceVersion.</summary>
    private static bool SameRecord(Lease a, Lease b) => a with { Metadata = b.Metadata } == b;

    private async Task Wait(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
