package dev.faas.cli.command;

import dev.faas.cli.CliFailure;
import dev.faas.cli.Session;
import dev.faas.cli.stack.FunctionNames;
import dev.faas.cli.stack.FunctionsFileEditor.NewFunction;
import dev.faas.cli.stack.FunctionsFileEditor;
import dev.faas.cli.stack.FunctionsFileReader;
import dev.faas.cli.template.Templates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "new", description = {"Start a function from a template: copies its skeleton to ./NAME and adds "
        + "the function to the functions file (made when missing).", "Then edit ./NAME and run faas up."})
public final class NewCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME")
    String name;

    @Option(names = "--lang", paramLabel = "TEMPLATE", description = "The template (faas new --list shows them).")
    String lang;

    @Option(names = "--list", description = "List the templates.")
    boolean list;

    @Override
    public Integer call() throws IOException {
        Session session = Session.of(spec);
        try (Templates templates = Templates.bundled()) {
            if (list) {
                templates.names().forEach(session.out()::println);
                session.out().flush();
                return 0;
            }
            if (name == null || lang == null) {
                throw CliFailure.usage("give a name and a template: faas new NAME --lang TEMPLATE (templates: "
                        + String.join(", ", templates.names()) + ")");
            }
            FunctionNames.checked(name);
            if (!templates.names().contains(lang)) {
                throw CliFailure.usage("no template " + lang + " (there are: " + String.join(", ", templates.names())
                        + ")");
            }
            Path target = Path.of(name).toAbsolutePath();
            if (Files.exists(target)) {
                throw CliFailure.usage("./" + name + " exists: choose another name, or remove it first");
            }
            Path file = session.functionsFilePath().toAbsolutePath();
            NewFunction f = new NewFunction(name, lang, handlerPath(file.getParent(), target),
                    name.toLowerCase(Locale.ROOT) + ":latest");
            // The file's new text first: if it cannot be edited, nothing has been written yet.
            String text = Files.exists(file) ? withFunction(session, file, f)
                    : FunctionsFileEditor.newFile(session.gatewayGiven(), f);
            List<String> copied = templates.copySkeleton(lang, target);
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            session.out().println("created ./" + name + " from the " + lang + " template: " + String.join(", ", copied));
            session.out().println("added " + name + " to " + session.functionsFilePath());
            String welcome = templates.welcomeMessage(lang);
            if (welcome != null) {
                session.out().println(welcome.strip());
            }
            String edit = copied.stream().map(c -> "./" + name + "/" + c).collect(Collectors.joining(", "));
            session.out().println("next: edit " + edit + ", then run faas up"
                    + (session.functionsFilePath().toString().equals(Session.DEFAULT_FILE) ? ""
                    : " -f " + session.functionsFilePath()));
            session.out().flush();
            return 0;
        }
    }

    private static String withFunction(Session session, Path file, NewFunction f) throws IOException {
        String text = Files.readString(file);
        if (text.lines().anyMatch(l -> l.startsWith("services:")) && text.lines().noneMatch(l -> l.startsWith("functions:"))) {
            // A Docker stack file (this repository's own stack.yml is one): a functions section would break it.
            throw CliFailure.usage(file + " is a Docker stack file, not a functions file: name another with -f, e.g."
                    + " faas new " + f.name() + " --lang " + f.lang() + " -f " + f.name() + ".yml");
        }
        if (new FunctionsFileReader(session.env()).read(file).functions().containsKey(f.name())) {
            throw CliFailure.usage(file + " already has a function " + f.name() + ": choose another name");
        }
        return FunctionsFileEditor.withFunction(text, f);
    }

    /** The handler as the file will say it: relative to the file's directory, with forward slashes. */
    static String handlerPath(Path fileDirectory, Path target) {
        String relative = fileDirectory.relativize(target).toString().replace('\\', '/');
        return relative.startsWith("..") ? relative : "./" + relative;
    }
}
