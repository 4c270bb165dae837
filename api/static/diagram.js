// Draw the case's BPMN diagrams with bpmn-js (served from node_modules) and mark where the case is.
(function () {
  "use strict";
  var dataElement = document.getElementById("diagram-data");
  var host = document.getElementById("diagrams");
  if (!dataElement || !host || typeof window.BpmnJS !== "function") {
    return;
  }
  var data = JSON.parse(dataElement.textContent);
  var markers = [["active", "regie-active"], ["completed", "regie-completed"], ["incidents", "regie-incident"]];

  function mark(canvas, registry) {
    markers.forEach(function (pair) {
      (data[pair[0]] || []).forEach(function (id) {
        if (registry.get(id)) {
          canvas.addMarker(id, pair[1]);
        }
      });
    });
  }

  function draw(diagram, index, before) {
    var title = document.createElement("h3");
    title.className = "utrecht-heading-3";
    title.textContent = diagram.name;
    host.insertBefore(title, before || null);
    var box = document.createElement("div");
    box.className = "regie-diagram";
    box.id = "diagram-" + index;
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", "Procesdiagram " + diagram.name + "; actieve stappen zijn blauw omlijnd");
    host.insertBefore(box, before || null);
    var viewer = new window.BpmnJS({ container: box });
    viewer.importXML(diagram.xml).then(function () {
      var canvas = viewer.get("canvas");
      canvas.zoom("fit-viewport", "auto");
      mark(canvas, viewer.get("elementRegistry"));
      box.setAttribute("data-rendered", "true");
      var fallback = document.getElementById("diagram-fallback");
      if (fallback) {
        fallback.querySelector(".regie-muted").hidden = true;
      }
    }).catch(function () {
      box.textContent = "Het diagram kan niet worden getoond.";
    });
  }

  // The diagram(s) the case is in now are drawn at once; the others on request.
  var others = [];
  (data.diagrams || []).forEach(function (diagram, index) {
    if (diagram.current) {
      draw(diagram, index);
    } else {
      others.push([diagram, index]);
    }
  });
  if (others.length) {
    var list = document.createElement("div");
    list.className = "regie-actions regie-more-diagrams";
    others.forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "utrecht-button utrecht-button--subtle";
      button.textContent = "Toon ook: " + pair[0].name;
      button.addEventListener("click", function () {
        draw(pair[0], pair[1], list);
        button.remove();
      });
      list.appendChild(button);
    });
    host.appendChild(list);
  }
})();
