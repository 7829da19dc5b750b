package dev.hostquery.query.security;

import static java.util.Objects.requireNonNull;

import dev.hostquery.query.sqlite.Access;
import java.util.Set;

/**
 * Who sent a request, as the one authentication layer ({@link Authenticator}) established it, and what its roles let
 * it do. Never holds a credential: a token's name, a certificate's subject, a uid.
 *
 * @param name   stable, loggable identity: {@code token:<name>}, {@code cert:<subject or SAN>},
 *               {@code k8s:<username>}, {@code uid:<uid>}, {@code anonymous@<address>}
 * @param method how it was authenticated
 * @param roles  its roles, built-in or configured (README, "Security")
 * @param access what it may read, from its roles; enforced by the engine's authorizer
 * @param events whether one of its roles may subscribe
 */
public record Principal(String name, Method method, Set<String> roles, Access access, boolean events) {
    /** How a principal was authenticated; the audit log's {@code auth} field. */
    public enum Method {
        TOKEN, CERTIFICATE, KUBERNETES, PEER_CREDENTIALS, ANONYMOUS;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Principal {
        requireNonNull(name, "name is null");
        requireNonNull(method, "method is null");
        roles = Set.copyOf(roles);
        requireNonNull(access, "access is null");
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
