package dev.hostquery.query.security;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for the TLS tests, made with Bouncy Castle: a CA, certificates it signs (servers with SANs for
 * localhost and 127.0.0.1, clients by CN, expired ones), written as PEM files, and SSL contexts for clients.
 */
final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A key pair and its certificate. */
    record Issued(KeyPair keys, X509Certificate certificate) {
        void write(Path cert, Path key) throws IOException {
            Files.createDirectories(cert.getParent());
            Path certTmp = cert.resolveSibling(cert.getFileName() + ".tmp");
            Path keyTmp = key.resolveSibling(key.getFileName() + ".tmp");
            Files.writeString(certTmp, pem(certificate));
            Files.writeString(keyTmp, pem(keys.getPrivate()));
            Files.move(keyTmp, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.move(certTmp, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private final Issued ca;

    private TestCertificates(Issued ca) {
        this.ca = ca;
    }

    /** The CA whose certificate and key were written to {@code dir} (ca.crt, ca.key). */
    static TestCertificates reload(Path dir) throws Exception {
        X509Certificate cert;
        try (var in = Files.newInputStream(dir.resolve("ca.crt"))) {
            cert = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        try (var reader = new org.bouncycastle.openssl.PEMParser(Files.newBufferedReader(dir.resolve("ca.key")))) {
            Object o = reader.readObject();
            var converter = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
            KeyPair keys = o instanceof org.bouncycastle.openssl.PEMKeyPair pair ? converter.getKeyPair(pair)
                    : new KeyPair(cert.getPublicKey(), converter.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) o));
            return new TestCertificates(new Issued(keys, cert));
        }
    }

    TestCertificates(String name) throws Exception {
        KeyPair keys = keys();
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(Instant.now().minus(Duration.ofDays(1))),
                Date.from(Instant.now().plus(Duration.ofDays(30))), subject, keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        this.ca = new Issued(keys, sign(b, keys.getPrivate()));
    }

    Issued ca() {
        return ca;
    }

    /** A server certificate for localhost and 127.0.0.1. */
    Issued server() throws Exception {
        return issue("CN=localhost", Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)),
                new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    }

    /** A client certificate with this subject, valid from {@code from} to {@code to}. */
    Issued client(String subject, Instant from, Instant to) throws Exception {
        return issue(subject, from, to, null);
    }

    private Issued issue(String subject, Instant from, Instant to, GeneralNames sans) throws Exception {
        KeyPair keys = keys();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(), Date.from(from), Date.from(to),
                new X500Name(subject), keys.getPublic());
        if (sans != null) {
            b.addExtension(Extension.subjectAlternativeName, false, sans);
        }
        return new Issued(keys, sign(b, ca.keys().getPrivate()));
    }

    /** A client SSL context that trusts {@code trusted} and presents {@code client} (may be null). */
    static SSLContext context(X509Certificate trusted, Issued client) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (client != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", client.keys().getPrivate(), "x".toCharArray(),
                    new java.security.cert.Certificate[] {client.certificate()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "x".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return context;
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    static String pem(Object o) throws IOException {
        if (o instanceof PrivateKey key) {
            // PKCS#8, which every PEM reader takes (Vert.x refuses the SEC1 "EC PRIVATE KEY" form)
            return "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                    .encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        }
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(o);
        }
        return w.toString();
    }
}
