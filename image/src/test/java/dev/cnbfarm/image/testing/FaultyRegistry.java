package dev.cnbfarm.image.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test fixture: a registry on 127.0.0.1 that misbehaves in one chosen way, on raw sockets so it
 * can do what no well-behaved HTTP server does (stop reading, never answer, send forever). A TLS
 * hello (Jib tries HTTPS first on loopback) is answered by closing, so clients fall back to plain
 * HTTP at once. Every connection is counted. Sends at most {@link #MAX_ENDLESS_BYTES} of an endless
 * body and stops by itself; {@link #close()} ends every connection. Thread-safe.
 */
public final class FaultyRegistry implements AutoCloseable {
  /** How the registry misbehaves. */
  public enum Fault {
    /** Closes every connection as soon as it is accepted. */
    ACCEPT_AND_CLOSE,
    /** Accepts connections and never answers. */
    SILENT,
    /** Answers the API check, then never answers a blob GET. */
    SILENT_BLOB,
    /** Answers 503 to every request. */
    UNAVAILABLE,
    /** Starts uploads, then stops reading the blob's bytes and never answers. */
    STOP_READING_UPLOAD,
    /** Sends an endless body for every blob GET. */
    ENDLESS_BLOB,
    /** Serves its one manifest (and config) for every manifest reference, tag or digest. */
    ONE_MANIFEST_FOR_ANY_REFERENCE,
    /** Like {@link #ONE_MANIFEST_FOR_ANY_REFERENCE}, with a {@code Docker-Content-Digest} that lies. */
    LYING_DIGEST_HEADER,
    /**
     * Serves its one manifest and the blobs it was given (the config), and answers 503 to a GET of
     * any other blob: a registry that fails in the middle of a pull.
     */
    UNAVAILABLE_BLOB
  }

  /** The endless body stops here, so a client that never stops reading still ends. */
  public static final long MAX_ENDLESS_BYTES = 1L << 30;

  private final Fault fault;
  private final ServerSocket server;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong bodyBytesSent = new AtomicLong();
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private volatile byte[] manifest = new byte[0];
  private volatile String manifestType = "";

  private FaultyRegistry(Fault fault) throws IOException {
    this.fault = fault;
    this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    this.acceptor = new Thread(this::acceptLoop, "faulty-registry-" + fault);
    acceptor.setDaemon(true);
  }

  public static FaultyRegistry start(Fault fault) {
    try {
      FaultyRegistry r = new FaultyRegistry(fault);
      r.acceptor.start();
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The manifest served for every reference, and the blobs (by digest) it may be asked for. */
  public FaultyRegistry serving(byte[] manifestJson, String mediaType, Map<String, byte[]> blobsByDigest) {
    this.manifest = manifestJson.clone();
    this.manifestType = mediaType;
    blobs.putAll(blobsByDigest);
    return this;
  }

  /** {@code 127.0.0.1:<port>}. */
  public String host() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Connections accepted so far (TLS attempts included). */
  public int connections() {
    return connections.get();
  }

  /** Bytes of blob bodies written so far. */
  public long bodyBytesSent() {
    return bodyBytesSent.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.incrementAndGet();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "faulty-registry-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      if (fault == Fault.ACCEPT_AND_CLOSE) {
        return;
      }
      InputStream in = new BufferedInputStream(s.getInputStream());
      in.mark(1);
      int first = in.read();
      if (first == 0x16) {
        return; // a TLS hello: we speak plain HTTP only
      }
      in.reset();
      if (fault == Fault.SILENT) {
        hold(s);
        return;
      }
      OutputStream out = s.getOutputStream();
      Map<String, String> headers = new LinkedHashMap<>();
      String line = requestHead(in, headers);
      if (line == null) {
        return;
      }
      String[] parts = line.split(" ");
      answer(s, in, out, parts[0], parts[1], headers);
    } catch (IOException e) {
      // the client went away: nothing to do
    } finally {
      open.remove(s);
    }
  }

  private void answer(Socket s, InputStream in, OutputStream out, String method, String path,
      Map<String, String> headers) throws IOException {
    if (fault == Fault.UNAVAILABLE) {
      respond(out, 503, Map.of("Content-Type", "application/json"),
          "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"down\"}]}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (path.equals("/v2/") || path.equals("/v2")) {
      respond(out, 200, Map.of("Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (path.contains("/blobs/uploads/")) {
      if (method.equals("POST")) {
        respond(out, 202, Map.of("Location", "http://" + host() + "/v2/app/blobs/uploads/1", "Range", "0-0"),
            new byte[0]);
        return;
      }
      hold(s); // STOP_READING_UPLOAD: never read the body, never answer
      return;
    }
    if (path.contains("/blobs/")) {
      String digest = path.substring(path.lastIndexOf('/') + 1);
      if (method.equals("HEAD")) {
        byte[] blob = blobs.get(digest);
        if (blob == null) {
          respond(out, 404, Map.of(), new byte[0]);
        } else {
          out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + blob.length + "\r\nDocker-Content-Digest: " + digest
              + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
        return;
      }
      if (fault == Fault.SILENT_BLOB) {
        hold(s);
        return;
      }
      if (fault == Fault.ENDLESS_BLOB) {
        endless(out);
        return;
      }
      byte[] blob = blobs.get(digest);
      if (fault == Fault.UNAVAILABLE_BLOB && blob == null) {
        respond(out, 503, Map.of("Content-Type", "application/json"),
            "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"down\"}]}".getBytes(StandardCharsets.UTF_8));
        return;
      }
      respond(out, blob == null ? 404 : 200, Map.of("Content-Type", "application/octet-stream"),
          blob == null ? new byte[0] : blob);
      return;
    }
    if (path.contains("/manifests/") && manifest.length > 0) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Content-Type", manifestType);
      if (fault == Fault.LYING_DIGEST_HEADER) {
        h.put("Docker-Content-Digest", "sha256:" + "0".repeat(64));
      }
      respond(out, 200, h, method.equals("HEAD") ? new byte[0] : manifest);
      return;
    }
    respond(out, 404, Map.of("Content-Type", "application/json"),
        "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"unknown\"}]}".getBytes(StandardCharsets.UTF_8));
  }

  private void endless(OutputStream out) throws IOException {
    out.write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    byte[] chunk = new byte[64 * 1024];
    while (bodyBytesSent.get() < MAX_ENDLESS_BYTES) {
      out.write(chunk);
      bodyBytesSent.addAndGet(chunk.length);
    }
  }

  /** Keeps the connection open, reading nothing, until the client or {@link #close()} ends it. */
  private static void hold(Socket s) throws IOException {
    try {
      while (!s.isClosed()) {
        Thread.sleep(50);
        if (s.getInputStream().available() < 0) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String requestHead(InputStream in, Map<String, String> headers) throws IOException {
    String requestLine = line(in);
    if (requestLine == null || requestLine.isEmpty()) {
      return null;
    }
    for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      if (colon > 0) {
        headers.put(h.substring(0, colon).trim().toLowerCase(), h.substring(colon + 1).trim());
      }
    }
    return requestLine;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\n') {
        return b.toString(StandardCharsets.ISO_8859_1).replaceFirst("\r$", "");
      }
      if (b.size() > 16 * 1024) {
        return null;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  private static void respond(OutputStream out, int status, Map<String, String> headers, byte[] body)
      throws IOException {
    StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
    out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    try {
      acceptor.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
