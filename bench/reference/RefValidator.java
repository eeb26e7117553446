import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.transform.ErrorListener;
import javax.xml.transform.TransformerException;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;

import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import net.sf.saxon.s9api.Axis;
import net.sf.saxon.s9api.DocumentBuilder;
import net.sf.saxon.s9api.Processor;
import net.sf.saxon.s9api.QName;
import net.sf.saxon.s9api.SaxonApiException;
import net.sf.saxon.s9api.Serializer;
import net.sf.saxon.s9api.XdmDestination;
import net.sf.saxon.s9api.XdmNode;
import net.sf.saxon.s9api.XdmNodeKind;
import net.sf.saxon.s9api.XdmSequenceIterator;
import net.sf.saxon.s9api.XsltCompiler;
import net.sf.saxon.s9api.XsltExecutable;
import net.sf.saxon.s9api.XsltTransformer;

/**
 * Reference pipeline of the national FSE 2.0 validator: XSD (JDK javax.xml.validation) followed by the
 * official schematron compiled to XSLT 2.0 by SchToXslt.xsl and run on Saxon-HE. No terminology step.
 */
public final class RefValidator {

    static final String SVRL = "http://purl.oclc.org/dsdl/svrl";
    static final QName LABEL = new QName("label");

    /** templateId/@root of the first templateId in the document -> doc type (schematron folder). */
    static final Map<String, String> ROUTES = new LinkedHashMap<>();
    static {
        ROUTES.put("2.16.840.1.113883.2.9.10.1.18.1", "CC");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.11.1.2", "CERT_VACC");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.13.1.1", "ErF");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.13.2.1", "ErF_NoSSN");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.13.1.2", "ErS");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.1", "LAB");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.5", "LDO");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.14.1", "Lettera_Screening");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.15.1", "Lettera_VACC");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.4.1.1", "PSS");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.2.1", "PrF");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.3.1", "PrF_NoSSN");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.2.2", "PrS");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.7.1", "RAD");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.8.1", "RAP");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.9.1", "RSA");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.11.1.1", "SING_VACC");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.17.1", "TPI");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.16.4.1", "Teleassistenza");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.16.2.1", "Teleconsulto");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.16.1.1", "Televisita");
        ROUTES.put("2.16.840.1.113883.2.9.10.1.6.1", "VPS");
    }

    // ------------------------------------------------------------------ options

    static final class Options {
        Path catalog = Paths.get("/work/shared/fixtures/validation");
        Path compiler;
        String mode = "pipeline";
        boolean json;
        int repeat = -1;
        double seconds = -1;
        double warmup = 3.0;
        int threads = 1;
        Path expected;
        Path dumpXslt;
        boolean quiet;
        boolean messages;
        List<Path> inputs = new ArrayList<>();
    }

    static void usage(PrintStream out) {
        out.println("usage: run.sh [options] [FILE|DIR ...]");
        out.println("  --catalog DIR      catalog with xsd/<ext>/CDA.xsd and schematron/<TYPE>/*.sch");
        out.println("                     (default /work/shared/fixtures/validation)");
        out.println("  --mode M           xsd | sch | pipeline (default pipeline)");
        out.println("  --json             one JSON line per file, then a JSON summary line");
        out.println("  --expected TSV     take the inputs from an expected.tsv and report agreement");
        out.println("  --repeat N         after the verdict pass, time N passes over the inputs");
        out.println("  --seconds S        after the verdict pass, time passes for S seconds");
        out.println("  --warmup S         JIT warm-up before each timed step (default 3)");
        out.println("  --threads N        worker threads for the timed passes (default 1)");
        out.println("  --quiet            no per-file lines (summary only)");
        out.println("  --messages         also print the assert/report texts (failed asserts first)");
        out.println("  --dump-xslt DIR    write the generated stylesheets to DIR");
        out.println("  --compiler FILE    schematron compiler stylesheet (default SchToXslt.xsl next to run.sh)");
    }

    static Options parse(String[] args) {
        Options o = new Options();
        String c = System.getProperty("fse.ref.compiler");
        if (c != null) o.compiler = Paths.get(c);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--catalog": o.catalog = Paths.get(need(args, ++i, a)); break;
                case "--compiler": o.compiler = Paths.get(need(args, ++i, a)); break;
                case "--mode": o.mode = need(args, ++i, a); break;
                case "--json": o.json = true; break;
                case "--quiet": o.quiet = true; break;
                case "--messages": o.messages = true; break;
                case "--repeat": o.repeat = Integer.parseInt(need(args, ++i, a)); break;
                case "--seconds": o.seconds = Double.parseDouble(need(args, ++i, a)); break;
                case "--warmup": o.warmup = Double.parseDouble(need(args, ++i, a)); break;
                case "--threads": o.threads = Integer.parseInt(need(args, ++i, a)); break;
                case "--expected": o.expected = Paths.get(need(args, ++i, a)); break;
                case "--dump-xslt": o.dumpXslt = Paths.get(need(args, ++i, a)); break;
                case "-h": case "--help": usage(System.out); System.exit(0); break;
                default:
                    if (a.startsWith("--")) die("unknown option " + a);
                    o.inputs.add(Paths.get(a));
            }
        }
        if (!Arrays.asList("xsd", "sch", "pipeline").contains(o.mode)) die("--mode must be xsd, sch or pipeline");
        if (o.threads < 1) die("--threads must be >= 1");
        if (o.compiler == null) die("no schematron compiler: pass --compiler FILE");
        return o;
    }

    static String need(String[] args, int i, String opt) {
        if (i >= args.length) die(opt + " needs a value");
        return args[i];
    }

    static void die(String msg) {
        System.err.println("RefValidator: " + msg);
        System.exit(2);
    }

    // ------------------------------------------------------------------ documents

    static final class Doc {
        final String name;
        final byte[] bytes;
        final String loadError;
        String extension;      // typeId/@extension
        String templateRoot;   // first templateId/@root
        String routeError;
        Expected expected;

        Doc(String name, byte[] bytes, String loadError) {
            this.name = name;
            this.bytes = bytes;
            this.loadError = loadError;
        }
    }

    static final class Expected {
        String doctype, outcome;
        List<String> rules, warnings;
    }

    static final class Result {
        String outcome;                       // 00 01 03 05, or "error"
        String doctype;
        List<String> rules = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        List<String> reportTexts = new ArrayList<>();
    }

    static final XMLInputFactory STAX = XMLInputFactory.newInstance();
    static {
        STAX.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        STAX.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        STAX.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    }

    /** First typeId/@extension and first templateId/@root in document order. */
    static void route(Doc d) {
        d.extension = null;
        d.templateRoot = null;
        d.routeError = null;
        XMLStreamReader r = null;
        try {
            r = STAX.createXMLStreamReader(new ByteArrayInputStream(d.bytes));
            boolean haveType = false, haveTpl = false;
            while (r.hasNext() && !(haveType && haveTpl)) {
                if (r.next() != XMLStreamConstants.START_ELEMENT) continue;
                String ln = r.getLocalName();
                if (!haveType && ln.equals("typeId")) {
                    d.extension = r.getAttributeValue(null, "extension");
                    haveType = true;
                } else if (!haveTpl && ln.equals("templateId")) {
                    d.templateRoot = r.getAttributeValue(null, "root");
                    haveTpl = true;
                }
            }
        } catch (XMLStreamException e) {
            d.routeError = e.getMessage();
        } finally {
            if (r != null) try { r.close(); } catch (XMLStreamException ignore) { }
        }
    }

    static Doc load(Path p, String name) {
        try {
            byte[] b = Files.readAllBytes(p);
            if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".pdf")) {
                byte[] x = PdfEmbedded.extract(b);
                if (x == null) return new Doc(name, null, "no embedded XML file found in PDF");
                b = x;
            }
            Doc d = new Doc(name, b, null);
            route(d);
            return d;
        } catch (IOException e) {
            return new Doc(name, null, "cannot read: " + e.getMessage());
        }
    }

    /** Embedded file of a PDF (/Type /EmbeddedFile stream, raw or FlateDecode). */
    static final class PdfEmbedded {
        static byte[] extract(byte[] pdf) {
            String s = new String(pdf, StandardCharsets.ISO_8859_1);
            int from = 0;
            while (true) {
                int t = s.indexOf("/EmbeddedFile", from);
                if (t < 0) return null;
                from = t + 1;
                if (s.startsWith("/EmbeddedFiles", t)) continue;
                int dictStart = s.lastIndexOf("obj", t);
                int st = s.indexOf("stream", t);
                if (dictStart < 0 || st < 0) continue;
                String dict = s.substring(dictStart, st);
                int p = st + "stream".length();
                if (p < s.length() && s.charAt(p) == '\r') p++;
                if (p < s.length() && s.charAt(p) == '\n') p++;
                Matcher m = Pattern.compile("/Length\\s+(\\d+)(\\s+\\d+\\s+R)?").matcher(dict);
                int end;
                if (m.find() && m.group(2) == null) {
                    end = p + Integer.parseInt(m.group(1));
                } else {
                    end = s.indexOf("endstream", p);
                }
                if (end < p || end > pdf.length) continue;
                byte[] raw = Arrays.copyOfRange(pdf, p, end);
                if (dict.contains("/FlateDecode")) {
                    raw = inflate(raw);
                    if (raw == null) continue;
                }
                if (new String(raw, StandardCharsets.ISO_8859_1).contains("ClinicalDocument")) return raw;
            }
        }

        static byte[] inflate(byte[] in) {
            Inflater inf = new Inflater();
            inf.setInput(in);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            try {
                while (!inf.finished()) {
                    int n = inf.inflate(buf);
                    if (n == 0 && (inf.needsInput() || inf.needsDictionary())) break;
                    out.write(buf, 0, n);
                }
            } catch (DataFormatException e) {
                return null;
            } finally {
                inf.end();
            }
            return out.toByteArray();
        }
    }

    // ------------------------------------------------------------------ engines

    final Options opt;
    final Map<String, Schema> schemas = new TreeMap<>();          // typeId extension -> schema
    final Map<String, XsltExecutable> sch = new TreeMap<>();       // doc type -> compiled schematron
    final Map<String, String> schFile = new TreeMap<>();
    final Processor proc = new Processor(false);
    final ThreadLocal<Worker> workers = ThreadLocal.withInitial(Worker::new);

    RefValidator(Options o) {
        this.opt = o;
    }

    void loadSchemas() throws SAXException, IOException {
        Path dir = opt.catalog.resolve("xsd");
        if (!Files.isDirectory(dir)) die("no xsd/ in catalog " + opt.catalog);
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().collect(Collectors.toList())) {
                Path cda = p.resolve("CDA.xsd");
                if (Files.isRegularFile(cda)) schemas.put(p.getFileName().toString(), f.newSchema(cda.toFile()));
            }
        }
        if (schemas.isEmpty()) die("no <ext>/CDA.xsd under " + dir);
    }

    void compileSchematrons() throws SaxonApiException, IOException {
        Path dir = opt.catalog.resolve("schematron");
        if (!Files.isDirectory(dir)) die("no schematron/ in catalog " + opt.catalog);
        XsltCompiler xc = proc.newXsltCompiler();
        xc.setErrorListener(new QuietListener());
        XsltExecutable compiler = xc.compile(new StreamSource(opt.compiler.toFile()));
        if (opt.dumpXslt != null) Files.createDirectories(opt.dumpXslt);
        for (String type : new java.util.TreeSet<>(ROUTES.values())) {
            Path td = dir.resolve(type);
            if (!Files.isDirectory(td)) continue;
            List<Path> files;
            try (Stream<Path> s = Files.list(td)) {
                files = s.filter(p -> p.toString().endsWith(".sch") && Files.isRegularFile(p)).sorted()
                         .collect(Collectors.toList());
            }
            if (files.isEmpty()) continue;
            if (files.size() > 1) die("more than one current .sch in " + td + ": " + files);
            Path f = files.get(0);
            XsltTransformer t = compiler.load();
            t.setSource(new StreamSource(f.toFile()));
            XdmDestination gen = new XdmDestination();
            t.setDestination(gen);
            t.transform();
            XdmNode xslt = gen.getXdmNode();
            if (opt.dumpXslt != null) {
                Serializer ser = proc.newSerializer(opt.dumpXslt.resolve(type + ".xsl").toFile());
                ser.serializeNode(xslt);
            }
            try {
                sch.put(type, xc.compile(xslt.asSource()));
                schFile.put(type, f.getFileName().toString().replaceFirst("\\.sch$", ""));
            } catch (SaxonApiException e) {
                die("generated stylesheet for " + f + " does not compile: " + e.getMessage());
            }
        }
        if (sch.isEmpty()) die("no schematron compiled from " + dir);
    }

    static final class QuietListener implements ErrorListener {
        public void warning(TransformerException e) { }
        public void error(TransformerException e) { System.err.println("saxon: " + e.getMessageAndLocation()); }
        public void fatalError(TransformerException e) { System.err.println("saxon: " + e.getMessageAndLocation()); }
    }

    static final class SilentListener implements ErrorListener {
        public void warning(TransformerException e) { }
        public void error(TransformerException e) { }
        public void fatalError(TransformerException e) { }
    }

    /** Per-thread state: javax Validators and Saxon DocumentBuilder are not thread-safe. */
    final class Worker {
        final Map<String, Validator> validators = new HashMap<>();
        final DocumentBuilder builder = proc.newDocumentBuilder();
        final Collector collector = new Collector();

        Validator validator(String ext) {
            return validators.computeIfAbsent(ext, k -> {
                Validator v = schemas.get(k).newValidator();
                v.setErrorHandler(collector);
                return v;
            });
        }
    }

    static final class Collector implements ErrorHandler {
        final List<String> errors = new ArrayList<>();
        public void warning(SAXParseException e) { }
        public void error(SAXParseException e) { errors.add("ERROR: " + e.getMessage()); }
        public void fatalError(SAXParseException e) throws SAXException {
            errors.add("FATAL: " + e.getMessage());
            throw e;
        }
    }

    /** XSD step: null when valid, else the error messages. */
    List<String> xsd(Doc d) {
        if (d.extension == null || !schemas.containsKey(d.extension)) {
            return Collections.singletonList("Schema with version " + d.extension + " not found on database.");
        }
        Worker w = workers.get();
        w.collector.errors.clear();
        try {
            w.validator(d.extension).validate(new StreamSource(new ByteArrayInputStream(d.bytes), d.name));
        } catch (SAXException e) {
            if (w.collector.errors.isEmpty()) w.collector.errors.add("FATAL: " + e.getMessage());
        } catch (IOException e) {
            w.collector.errors.add("FATAL: " + e.getMessage());
        }
        return w.collector.errors.isEmpty() ? null : new ArrayList<>(w.collector.errors);
    }

    /** Schematron step: fills rules/warnings/outcome of r. */
    void schematron(Doc d, Result r) {
        String type = d.templateRoot == null ? null : ROUTES.get(d.templateRoot);
        XsltExecutable exec = type == null ? null : sch.get(type);
        if (exec == null) {
            r.outcome = "03";
            r.messages.add("Schematron with template id root " + d.templateRoot + " not found on database.");
            return;
        }
        r.doctype = type;
        Worker w = workers.get();
        try {
            XdmNode doc = w.builder.build(new StreamSource(new ByteArrayInputStream(d.bytes), d.name));
            XsltTransformer t = exec.load();
            t.setErrorListener(new SilentListener());
            t.setInitialContextNode(doc);
            XdmDestination out = new XdmDestination();
            t.setDestination(out);
            t.transform();
            XdmNode svrl = out.getXdmNode();
            XdmSequenceIterator<XdmNode> top = svrl.axisIterator(Axis.CHILD);
            while (top.hasNext()) {
                XdmNode root = top.next();
                if (root.getNodeKind() != XdmNodeKind.ELEMENT) continue;
                XdmSequenceIterator<XdmNode> it = root.axisIterator(Axis.CHILD);
                while (it.hasNext()) {
                    XdmNode n = it.next();
                    if (n.getNodeKind() != XdmNodeKind.ELEMENT) continue;
                    String ln = n.getNodeName().getLocalName();
                    if (ln.equals("failed-assert")) {
                        r.rules.add(n.getAttributeValue(LABEL));
                        if (opt.messages) r.messages.add(n.getStringValue().trim());
                    } else if (ln.equals("successful-report")) {
                        r.warnings.add(n.getAttributeValue(LABEL));
                        if (opt.messages) r.reportTexts.add(n.getStringValue().trim());
                    }
                }
            }
            r.messages.addAll(r.reportTexts);
            r.outcome = !r.rules.isEmpty() ? "03" : !r.warnings.isEmpty() ? "05" : "00";
        } catch (SaxonApiException e) {
            r.outcome = "03";
            r.rules.clear();
            r.warnings.clear();
            r.messages.clear();
            r.messages.add("Error while executing validation on sch schematron: " + e.getMessage());
        }
    }

    Result run(Doc d, String mode) {
        Result r = new Result();
        if (d.loadError != null) {
            r.outcome = "error";
            r.messages.add(d.loadError);
            return r;
        }
        if (mode.equals("pipeline")) route(d);
        if (d.routeError != null) {
            // not well-formed: the XSD step reports it as a fatal error
            r.outcome = "01";
            r.messages.add("FATAL: " + d.routeError);
            return r;
        }
        if (!mode.equals("xsd") && d.templateRoot == null) {
            // CDAHelper.extractInfo throws before any validation: reported as a semantic error
            r.outcome = "03";
            r.messages.add("Error while extracting info for schematron: no templateId in the document");
            return r;
        }
        if (!mode.equals("sch")) {
            List<String> errs = xsd(d);
            if (errs != null) {
                r.outcome = "01";
                r.messages.addAll(errs);
                return r;
            }
            if (mode.equals("xsd")) {
                r.outcome = "00";
                return r;
            }
        }
        schematron(d, r);
        return r;
    }

    // ------------------------------------------------------------------ timing

    static final class Timing {
        String step;
        long docs;
        double seconds;
        int perPass;
    }

    Timing measure(String step, List<Doc> docs) throws InterruptedException {
        List<Doc> set = new ArrayList<>();
        for (Doc d : docs) {
            if (d.loadError != null) continue;
            if (step.equals("xsd") && (d.extension == null || !schemas.containsKey(d.extension))) continue;
            if (step.equals("sch") && (d.templateRoot == null || !ROUTES.containsKey(d.templateRoot)
                                       || !sch.containsKey(ROUTES.get(d.templateRoot)))) continue;
            if (step.equals("pipeline") && d.templateRoot == null) continue;
            set.add(d);
        }
        Timing t = new Timing();
        t.step = step;
        t.perPass = set.size();
        if (set.isEmpty()) return t;
        loop(step, set, -1, opt.warmup, 1);
        long t0 = System.nanoTime();
        t.docs = loop(step, set, opt.repeat, opt.seconds, 1);
        t.seconds = (System.nanoTime() - t0) / 1e9;
        return t;
    }

    /** Runs the step over the set, repeat passes or for seconds (at least minPasses passes). */
    long loop(String step, List<Doc> set, int repeat, double seconds, int minPasses) throws InterruptedException {
        final int n = set.size();
        final long limit = repeat > 0 ? (long) repeat * n : Long.MAX_VALUE;
        final long minDocs = (long) minPasses * n;
        final long deadline = System.nanoTime() + (long) (Math.max(0, seconds) * 1e9);
        final AtomicLong next = new AtomicLong();
        final AtomicLong done = new AtomicLong();
        final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        Runnable body = () -> {
            try {
                while (true) {
                    long i = next.getAndIncrement();
                    if (i >= limit) break;
                    if (repeat <= 0 && i >= minDocs && System.nanoTime() > deadline) break;
                    Doc d = set.get((int) (i % n));
                    switch (step) {
                        case "xsd": xsd(d); break;
                        case "sch": schematron(d, new Result()); break;
                        default: run(d, "pipeline");
                    }
                    done.incrementAndGet();
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        };
        if (opt.threads == 1) {
            body.run();
        } else {
            Thread[] ts = new Thread[opt.threads];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = new Thread(body, "ref-" + i);
                ts[i].start();
            }
            for (Thread th : ts) th.join();
        }
        if (!failures.isEmpty()) throw new IllegalStateException(failures.get(0));
        return done.get();
    }

    // ------------------------------------------------------------------ expected.tsv

    static List<String> labels(String field) {
        List<String> out = new ArrayList<>();
        if (field == null) return out;
        for (String item : field.split(",")) {
            String s = item.trim();
            if (s.isEmpty()) continue;
            int k = 1;
            Matcher m = Pattern.compile("^(.*)\\*(\\d+)$").matcher(s);
            if (m.matches()) {
                s = m.group(1).trim();
                k = Integer.parseInt(m.group(2));
            }
            for (int i = 0; i < k; i++) out.add(s);
        }
        Collections.sort(out);
        return out;
    }

    static List<Doc> loadExpected(Path tsv) throws IOException {
        List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        if (lines.isEmpty()) die("empty " + tsv);
        List<String> head = Arrays.asList(lines.get(0).split("\t", -1));
        int cFile = head.indexOf("file"), cType = head.indexOf("doctype"), cCode = head.indexOf("outcome_code");
        int cFail = head.indexOf("failing_asserts"), cWarn = head.indexOf("warnings");
        if (cFile < 0 || cCode < 0 || cFail < 0 || cWarn < 0) die("unexpected header in " + tsv);
        Path base = tsv.toAbsolutePath().getParent();
        List<Doc> docs = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.trim().isEmpty()) continue;
            String[] c = line.split("\t", -1);
            Doc d = load(base.resolve(c[cFile]), c[cFile]);
            Expected e = new Expected();
            e.doctype = cType >= 0 ? c[cType] : "";
            e.outcome = c[cCode];
            e.rules = labels(c[cFail]);
            e.warnings = labels(c[cWarn]);
            d.expected = e;
            docs.add(d);
        }
        return docs;
    }

    static List<Doc> loadInputs(List<Path> inputs) throws IOException {
        List<Doc> docs = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                List<Path> files;
                try (Stream<Path> s = Files.walk(in)) {
                    files = s.filter(Files::isRegularFile)
                             .filter(p -> { String f = p.toString().toLowerCase(Locale.ROOT);
                                            return f.endsWith(".xml") || f.endsWith(".pdf"); })
                             .sorted().collect(Collectors.toList());
                }
                for (Path p : files) docs.add(load(p, p.toString()));
            } else {
                docs.add(load(in, in.toString()));
            }
        }
        return docs;
    }

    // ------------------------------------------------------------------ output

    static String js(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
                    else b.append(ch);
            }
        }
        return b.append('"').toString();
    }

    static String js(List<String> l) {
        return l.stream().map(RefValidator::js).collect(Collectors.joining(",", "[", "]"));
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String compact(List<String> labels) {
        Map<String, Integer> c = new TreeMap<>();
        for (String s : labels) c.merge(s, 1, Integer::sum);
        return c.entrySet().stream().map(e -> e.getValue() == 1 ? e.getKey() : e.getKey() + "*" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    // ------------------------------------------------------------------ main

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        if (o.expected == null && o.inputs.isEmpty()) {
            usage(System.err);
            System.exit(2);
        }
        RefValidator v = new RefValidator(o);
        long t0 = System.nanoTime();
        if (!o.mode.equals("sch")) v.loadSchemas();
        long t1 = System.nanoTime();
        if (!o.mode.equals("xsd")) v.compileSchematrons();
        long t2 = System.nanoTime();

        List<Doc> docs = o.expected != null ? loadExpected(o.expected) : loadInputs(o.inputs);
        if (!o.inputs.isEmpty() && o.expected != null) docs.addAll(loadInputs(o.inputs));
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");

        int compared = 0, okOutcome = 0, okRules = 0, okWarn = 0, okAll = 0;
        List<String> disagreements = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (Doc d : docs) {
            Result r = v.run(d, o.mode);
            outcomes.merge(r.outcome, 1, Integer::sum);
            Boolean match = null;
            if (d.expected != null && o.mode.equals("pipeline")) {
                compared++;
                String exp = d.expected.outcome.equals("02") ? "00" : d.expected.outcome;
                List<String> got = new ArrayList<>(r.rules);
                Collections.sort(got);
                List<String> gotW = new ArrayList<>(r.warnings);
                Collections.sort(gotW);
                boolean a = exp.equals(r.outcome), b = got.equals(d.expected.rules), c = gotW.equals(d.expected.warnings);
                if (a) okOutcome++;
                if (b) okRules++;
                if (c) okWarn++;
                match = a && b && c;
                if (match) okAll++;
                else disagreements.add(d.name + ": expected " + exp + " [" + compact(d.expected.rules) + "] {"
                        + compact(d.expected.warnings) + "}, got " + r.outcome + " [" + compact(got) + "] {"
                        + compact(gotW) + "}" + (r.messages.isEmpty() ? "" : " " + r.messages.get(0)));
            }
            if (o.quiet) continue;
            if (o.json) {
                StringBuilder b = new StringBuilder();
                b.append("{\"file\":").append(js(d.name))
                 .append(",\"doctype\":").append(js(r.doctype))
                 .append(",\"outcome\":").append(js(r.outcome))
                 .append(",\"rules\":").append(js(r.rules))
                 .append(",\"warnings\":").append(js(r.warnings));
                if (!r.messages.isEmpty()) b.append(",\"messages\":").append(js(r.messages));
                if (match != null) {
                    b.append(",\"expected_outcome\":").append(js(d.expected.outcome))
                     .append(",\"agree\":").append(match);
                }
                out.println(b.append('}'));
            } else {
                out.println(d.name + "\t" + r.outcome + "\t" + compact(r.rules) + "\t" + compact(r.warnings)
                        + (r.outcome.equals("01") || r.outcome.equals("error") || !r.messages.isEmpty()
                           ? "\t" + (r.messages.isEmpty() ? "" : r.messages.get(0)) : "")
                        + (match == null ? "" : match ? "\tagree" : "\tDISAGREE"));
            }
        }
        out.flush();

        List<Timing> timings = new ArrayList<>();
        if (o.repeat > 0 || o.seconds > 0) {
            List<String> steps = o.mode.equals("pipeline") ? Arrays.asList("xsd", "sch", "pipeline")
                                                           : Collections.singletonList(o.mode);
            for (String s : steps) timings.add(v.measure(s, docs));
        }

        String note = "reference = XSD + schematron only (no terminology step: expected 02 compares as 00)";
        if (o.json) {
            StringBuilder b = new StringBuilder("{\"summary\":true");
            b.append(",\"mode\":").append(js(o.mode))
             .append(",\"docs\":").append(docs.size())
             .append(",\"threads\":").append(o.threads)
             .append(",\"saxon\":").append(js(v.proc.getSaxonProductVersion()))
             .append(",\"java\":").append(js(System.getProperty("java.version")))
             .append(",\"xsd_load_s\":").append(fmt((t1 - t0) / 1e9))
             .append(",\"sch_compile_s\":").append(fmt((t2 - t1) / 1e9))
             .append(",\"schematrons\":").append(v.sch.size())
             .append(",\"outcomes\":{")
             .append(outcomes.entrySet().stream().map(e -> js(e.getKey()) + ":" + e.getValue())
                     .collect(Collectors.joining(",")))
             .append('}');
            if (!timings.isEmpty()) {
                b.append(",\"warmup_s\":").append(fmt(o.warmup)).append(",\"steps\":{");
                b.append(timings.stream().map(t -> js(t.step) + ":{\"docs_per_pass\":" + t.perPass
                        + ",\"docs\":" + t.docs + ",\"seconds\":" + fmt(t.seconds)
                        + ",\"docs_per_s\":" + fmt(t.seconds > 0 ? t.docs / t.seconds : 0) + "}")
                        .collect(Collectors.joining(",")));
                b.append('}');
            }
            if (compared > 0) {
                b.append(",\"agreement\":{\"compared\":").append(compared)
                 .append(",\"outcome\":").append(okOutcome)
                 .append(",\"rules\":").append(okRules)
                 .append(",\"warnings\":").append(okWarn)
                 .append(",\"all\":").append(okAll)
                 .append(",\"disagreements\":").append(js(disagreements)).append('}');
            }
            b.append(",\"note\":").append(js(note)).append('}');
            out.println(b);
        } else {
            out.println("# " + v.proc.getSaxonProductVersion() + ", Java " + System.getProperty("java.version")
                    + "; XSD load " + fmt((t1 - t0) / 1e9) + " s, " + v.sch.size() + " schematrons compiled in "
                    + fmt((t2 - t1) / 1e9) + " s; " + docs.size() + " docs; outcomes " + outcomes);
            for (Timing t : timings) {
                out.println("# " + t.step + ": " + t.docs + " docs (" + t.perPass + " per pass) in " + fmt(t.seconds)
                        + " s = " + fmt(t.seconds > 0 ? t.docs / t.seconds : 0) + " docs/s, threads " + o.threads
                        + ", after " + fmt(o.warmup) + " s warm-up");
            }
            if (compared > 0) {
                out.println("# agreement over " + compared + " docs: outcome " + okOutcome + ", failing labels "
                        + okRules + ", warnings " + okWarn + ", all " + okAll);
                for (String s : disagreements) out.println("# DISAGREE " + s);
            }
            out.println("# " + note);
        }
        out.flush();
    }
}
